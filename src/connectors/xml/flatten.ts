import type { JsonValue, Row } from '../../core/records/types.js';

/**
 * One element inside a record, built from SAX events. Records are small, so a tiny tree per
 * record is simpler and as fast as flattening on the fly, and it lets repeated children become
 * arrays.
 */
export interface XmlNode {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlNode[];
  text: string;
  /** xsi:nil="true": the element stands for a null. */
  nil: boolean;
  /** two children share a name (most elements have none: flattening then skips grouping). */
  repeats: boolean;
}

const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function newNode(name: string, attributes: Record<string, string>): XmlNode {
  let attrs = NO_ATTRIBUTES;
  let nil = false;
  for (const key in attributes) {
    const value = attributes[key] as string;
    if (key === 'xsi:nil') nil = value === 'true' || value === '1';
    else if (key !== 'xmlns' && !key.startsWith('xmlns:')) {
      if (attrs === NO_ATTRIBUTES) attrs = {};
      attrs[key] = value;
    }
  }
  return { name, attributes: attrs, children: [], text: '', nil, repeats: false };
}

/** Appends a child, noting whether its name repeats among its siblings. */
export function addChild(parent: XmlNode, child: XmlNode): void {
  if (!parent.repeats) {
    for (const sibling of parent.children) {
      if (sibling.name === child.name) {
        parent.repeats = true;
        break;
      }
    }
  }
  parent.children.push(child);
}

const isBlank = (s: string): boolean => s.trim() === '';

/** Children grouped by element name, in first-seen order (one group per child when none repeats). */
function groupChildren(node: XmlNode): Iterable<[string, XmlNode[]]> {
  if (!node.repeats) return node.children.map((child) => [child.name, [child]]);
  const groups = new Map<string, XmlNode[]>();
  for (const child of node.children) {
    const list = groups.get(child.name);
    if (list) list.push(child);
    else groups.set(child.name, [child]);
  }
  return groups;
}

/**
 * The flattening rule (documented in docs.ts):
 * - attributes of the record element → `{attribute_prefix}{name}`;
 * - text of a child element → its name; nested elements → names joined with `.`;
 * - attributes of a child element → `{path}.@{name}`;
 * - a child element occurring more than once in a record (from then on, in every record), or
 *   declared `json` in `columns:` → one json array column holding every occurrence;
 * - xsi:nil="true" → null; an empty element → '' (text is never trimmed).
 */
export function flattenRecord(record: XmlNode, attributePrefix: string, arrayPaths: ReadonlySet<string>): Row {
  const row: Row = {};
  for (const key in record.attributes) row[attributePrefix + key] = record.attributes[key] as string;
  if (record.children.length === 0) {
    if (!isBlank(record.text) || Object.keys(record.attributes).length === 0) row['#text'] = record.text;
  } else if (!isBlank(record.text)) {
    row['#text'] = record.text;
  }
  flattenChildren(record, '', row, arrayPaths);
  return row;
}

function flattenChildren(node: XmlNode, prefix: string, row: Row, arrayPaths: ReadonlySet<string>): void {
  if (!node.repeats) {
    for (const child of node.children) {
      const path = prefix + child.name;
      if (arrayPaths.has(path)) row[path] = [nodeToJson(child)];
      else flattenNode(child, path, row, arrayPaths);
    }
    return;
  }
  for (const [name, list] of groupChildren(node)) {
    const path = prefix + name;
    if (list.length > 1 || arrayPaths.has(path)) row[path] = list.map(nodeToJson);
    else flattenNode(list[0] as XmlNode, path, row, arrayPaths);
  }
}

/** Adds to `into` the paths of elements that occur more than once in this record. */
export function collectRepeated(node: XmlNode, prefix: string, into: Set<string>): void {
  if (!node.repeats) {
    for (const child of node.children) if (child.children.length > 0) collectRepeated(child, `${prefix}${child.name}.`, into);
    return;
  }
  for (const [name, list] of groupChildren(node)) {
    const path = prefix + name;
    if (into.has(path)) continue;
    if (list.length > 1) into.add(path);
    else collectRepeated(list[0] as XmlNode, `${path}.`, into);
  }
}

function flattenNode(node: XmlNode, path: string, row: Row, arrayPaths: ReadonlySet<string>): void {
  for (const key in node.attributes) row[`${path}.@${key}`] = node.attributes[key] as string;
  if (node.nil) {
    row[path] = null;
    return;
  }
  if (node.children.length === 0) {
    row[path] = node.text;
    return;
  }
  if (!isBlank(node.text)) row[path] = node.text;
  flattenChildren(node, `${path}.`, row, arrayPaths);
}

/** An element as a JSON value (used inside arrays of repeated elements). */
export function nodeToJson(node: XmlNode): JsonValue {
  const attrs = Object.entries(node.attributes);
  if (node.nil && attrs.length === 0) return null;
  if (attrs.length === 0 && node.children.length === 0) return node.text;
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of attrs) out[`@${key}`] = value;
  for (const [name, list] of groupChildren(node)) {
    out[name] = list.length > 1 ? list.map(nodeToJson) : nodeToJson(list[0] as XmlNode);
  }
  if (node.nil) out['#text'] = null;
  else if (node.children.length === 0 || !isBlank(node.text)) out['#text'] = node.text;
  return out;
}
