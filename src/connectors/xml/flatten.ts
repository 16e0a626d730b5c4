import type { JsonValue, Value } from '../../core/records/types.js';

/**
 * One element inside a record, built from SAX events. Records are small, so a tiny tree per
 * record is simpler than flattening on the fly, and it lets repeated children become arrays
 * (whether an element repeats is known only once its parent closes).
 */
export interface XmlNode {
  readonly name: string;
  readonly attributes: Record<string, string>;
  /** NO_CHILDREN until the first child (most elements are leaves: one array less each). */
  children: XmlNode[];
  text: string;
  /** xsi:nil="true": the element stands for a null. */
  nil: boolean;
  /** two children share a name (most elements have none: flattening then skips grouping). */
  repeats: boolean;
}

export const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_CHILDREN: XmlNode[] = Object.freeze([]) as unknown as XmlNode[];

/** Where an element's attributes collect while its start tag is read. */
export interface AttributeHolder {
  attrs: Record<string, string>;
  nil: boolean;
}

/** The attribute rule: xsi:nil sets the null flag, xmlns declarations are dropped, the rest are attributes. */
export function addAttribute(tag: AttributeHolder, name: string, value: string): void {
  if (name === 'xsi:nil') tag.nil = value === 'true' || value === '1';
  else if (name !== 'xmlns' && !name.startsWith('xmlns:')) {
    if (tag.attrs === NO_ATTRIBUTES) tag.attrs = {};
    tag.attrs[name] = value;
  }
}

export function newNode(name: string, attributes: Record<string, string>, nil: boolean): XmlNode {
  return { name, attributes, children: NO_CHILDREN, text: '', nil, repeats: false };
}

/** Forgets what a record's body added to it (a fast scan that gave up: saxes parses it again). */
export function clearContent(node: XmlNode): void {
  node.children = NO_CHILDREN;
  node.text = '';
  node.repeats = false;
}

/** Appends a child; true when its name repeats among its siblings. */
export function addChild(parent: XmlNode, child: XmlNode): boolean {
  const siblings = parent.children;
  if (siblings === NO_CHILDREN) {
    parent.children = [child];
    return false;
  }
  if (!parent.repeats) {
    for (let i = 0; i < siblings.length; i++) {
      if ((siblings[i] as XmlNode).name === child.name) {
        parent.repeats = true;
        break;
      }
    }
  }
  siblings.push(child);
  return parent.repeats;
}

/** Whitespace only (what String.prototype.trim removes); most text starts with a visible character. */
function isBlank(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  if (c > 32 && c < 127) return false;
  return s.trim() === '';
}

function hasAttributes(attributes: Record<string, string>): boolean {
  if (attributes === NO_ATTRIBUTES) return false;
  for (const _ in attributes) return true;
  return false;
}

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

/** Receives the columns of one flattened record, in order; a path may come twice (the last wins). */
export interface FlatTarget {
  put(path: string, value: Value): void;
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
export function flattenRecord(record: XmlNode, attributePrefix: string, arrayPaths: ReadonlySet<string>, into: FlatTarget): void {
  const attrs = record.attributes;
  if (attrs !== NO_ATTRIBUTES) for (const key in attrs) into.put(attributePrefix + key, attrs[key] as string);
  if (record.children.length === 0) {
    if (!isBlank(record.text) || !hasAttributes(attrs)) into.put('#text', record.text);
  } else if (!isBlank(record.text)) {
    into.put('#text', record.text);
  }
  flattenChildren(record, '', into, arrayPaths);
}

function flattenChildren(node: XmlNode, prefix: string, into: FlatTarget, arrayPaths: ReadonlySet<string>): void {
  if (!node.repeats) {
    const children = node.children;
    const arrays = arrayPaths.size > 0;
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as XmlNode;
      const path = prefix + child.name;
      if (arrays && arrayPaths.has(path)) into.put(path, [nodeToJson(child)]);
      else flattenNode(child, path, into, arrayPaths);
    }
    return;
  }
  for (const [name, list] of groupChildren(node)) {
    const path = prefix + name;
    if (list.length > 1 || arrayPaths.has(path)) into.put(path, list.map(nodeToJson));
    else flattenNode(list[0] as XmlNode, path, into, arrayPaths);
  }
}

function flattenNode(node: XmlNode, path: string, into: FlatTarget, arrayPaths: ReadonlySet<string>): void {
  const attrs = node.attributes;
  if (attrs !== NO_ATTRIBUTES) for (const key in attrs) into.put(`${path}.@${key}`, attrs[key] as string);
  if (node.nil) {
    into.put(path, null);
    return;
  }
  if (node.children.length === 0) {
    into.put(path, node.text);
    return;
  }
  if (!isBlank(node.text)) into.put(path, node.text);
  flattenChildren(node, `${path}.`, into, arrayPaths);
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
