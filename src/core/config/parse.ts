import { readFile, stat } from 'node:fs/promises';
import {
  LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument,
  type Document, type Node, type Pair, type YAMLMap,
} from 'yaml';
import type { Issue } from '../issues.js';
import { SourceMap, pointerJoin, type SourceText } from './locate.js';

/** Hostile-input limits: a pipeline file is small; anything beyond these is a mistake or an attack. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_ALIAS_COUNT = 100;
export const MAX_NODES = 200_000;

export interface ParsedFile {
  readonly source: SourceText;
  /** the document as plain JSON-like values; undefined when the file could not be parsed. */
  readonly value: unknown;
  readonly map: SourceMap;
  readonly issues: Issue[];
}

export function fileIssue(file: string, code: string, message: string, hint?: string, line = 1, col = 1): Issue {
  return { severity: 'error', code, message, path: '', location: { file, line, col }, ...(hint ? { hint } : {}) };
}

/** Reads a pipeline (or overlay) file; a missing or oversized file becomes an issue, not a throw. */
export async function readPipelineFile(file: string): Promise<{ text?: string; issues: Issue[] }> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) {
      return { issues: [fileIssue(file, 'E_FILE', `${file} is a directory, not a pipeline file`)] };
    }
    if (info.size > MAX_FILE_BYTES) return { issues: [tooLarge(file)] };
    return { text: await readFile(file, 'utf8'), issues: [] };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file} (${code ?? 'error'})`;
    return { issues: [fileIssue(file, 'E_FILE', message, 'check the path of the pipeline file')] };
  }
}

function tooLarge(file: string): Issue {
  return fileIssue(file, 'E_FILE_TOO_LARGE', `pipeline file too large (over ${MAX_FILE_BYTES / 1024 / 1024} MB)`,
    'a pipeline file describes the work; put data in files the pipeline reads');
}

class BudgetExceeded extends Error {}

interface WalkState {
  readonly doc: Document;
  readonly source: SourceText;
  readonly map: SourceMap;
  readonly issues: Issue[];
  aliases: number;
  nodes: number;
}

/** Parses YAML text keeping every node's position. Never throws on bad input. */
export function parseYamlText(text: string, file: string): ParsedFile {
  const lines = new LineCounter();
  const source: SourceText = { file, text, lines };
  const map = new SourceMap();
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) return { source, value: undefined, map, issues: [tooLarge(file)] };
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: true });
  const issues: Issue[] = [...doc.errors, ...doc.warnings].map((e) => {
    const pos = lines.linePos(e.pos[0]);
    const dup = e.code === 'DUPLICATE_KEY';
    return {
      severity: doc.errors.includes(e) ? 'error' : 'warning',
      code: dup ? 'E_DUPLICATE_KEY' : 'E_YAML',
      message: dup ? 'duplicate key: a key may appear only once in a mapping' : `YAML syntax: ${firstLine(e.message)}`,
      path: '',
      location: { file, line: pos.line, col: pos.col },
      hint: dup ? 'remove or rename one of the duplicated keys' : 'fix the YAML syntax at this position',
    } satisfies Issue;
  });
  if (doc.errors.length > 0 && !doc.contents) return { source, value: undefined, map, issues };
  const state: WalkState = { doc, source, map, issues, aliases: 0, nodes: 0 };
  try {
    const value = walk(doc.contents as Node | null, '', undefined, state);
    return { source, value, map, issues };
  } catch (err) {
    if (!(err instanceof BudgetExceeded)) throw err;
    issues.push(fileIssue(file, 'E_YAML_ALIASES', err.message,
      `aliases (*name) may expand at most ${MAX_ALIAS_COUNT} times; write the values out instead`));
    return { source, value: undefined, map, issues };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function walk(node: Node | null, pointer: string, keyStart: number | undefined, st: WalkState): unknown {
  if (++st.nodes > MAX_NODES) throw new BudgetExceeded(`pipeline document too large (over ${MAX_NODES} nodes after expanding aliases)`);
  const base = { source: st.source, ...(keyStart === undefined ? {} : { keyStart }) };
  if (node === null || node === undefined) {
    st.map.set(pointer, { ...base, start: keyStart ?? 0, end: keyStart ?? 0, kind: 'null' });
    return null;
  }
  if (isAlias(node)) {
    if (++st.aliases > MAX_ALIAS_COUNT) throw new BudgetExceeded(`too many alias expansions (over ${MAX_ALIAS_COUNT}): possible alias bomb`);
    const target = node.resolve(st.doc);
    if (!target) {
      st.issues.push(at(st, node.range?.[0] ?? 0, 'E_YAML', `unknown alias *${node.source}`, 'define the anchor (&name) before using it'));
      return null;
    }
    return walk(target as Node, pointer, keyStart ?? node.range?.[0], st);
  }
  const [start = 0, end = start] = node.range ?? [];
  if (isMap(node)) {
    st.map.set(pointer, { ...base, start, end, kind: 'map' });
    return walkMap(node, pointer, st);
  }
  if (isSeq(node)) {
    st.map.set(pointer, { ...base, start, end, kind: 'seq' });
    return node.items.map((item, i) => walk(item as Node | null, pointerJoin(pointer, i), undefined, st));
  }
  if (isScalar(node)) {
    const kind = node.value === null ? 'null' : 'scalar';
    st.map.set(pointer, { ...base, start, end, kind, ...(node.type ? { style: node.type } : {}) });
    return node.value;
  }
  return null;
}

function walkMap(node: YAMLMap, pointer: string, st: WalkState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pairs = node.items as Pair[];
  // merged keys first, so keys written in the map itself overwrite them (values and positions)
  for (const pair of pairs) {
    if (isScalar(pair.key) && typeof pair.key.value === 'symbol') applyMerge(out, pair.value as Node, pointer, st);
  }
  const seen = new Set<string>();
  for (const pair of pairs) {
    const key = pair.key;
    if (isScalar(key) && typeof key.value === 'symbol') continue;
    if (!isScalar(key) || (key.value !== null && typeof key.value === 'object')) {
      st.issues.push(at(st, (key as Node | null)?.range?.[0] ?? 0, 'E_YAML', 'map keys must be plain strings', 'quote the key'));
      continue;
    }
    const name = String(key.value);
    if (seen.has(name)) continue; // reported by uniqueKeys
    seen.add(name);
    setKey(out, name, walk(pair.value as Node | null, pointerJoin(pointer, name), key.range?.[0], st));
  }
  return out;
}

/** `<<: *defaults` (or a list of them): keys written in the map itself win. */
function applyMerge(out: Record<string, unknown>, merge: Node, pointer: string, st: WalkState): void {
  const sources = isSeq(merge) ? (merge.items as Node[]) : [merge];
  for (let src of sources) {
    if (isAlias(src)) {
      if (++st.aliases > MAX_ALIAS_COUNT) throw new BudgetExceeded(`too many alias expansions (over ${MAX_ALIAS_COUNT}): possible alias bomb`);
      src = src.resolve(st.doc) as Node;
    }
    if (!isMap(src)) {
      st.issues.push(at(st, merge.range?.[0] ?? 0, 'E_YAML', 'merge key `<<` needs a mapping or an alias to one'));
      continue;
    }
    const merged = walkMap(src, pointer, st);
    for (const [k, v] of Object.entries(merged)) {
      if (!Object.prototype.hasOwnProperty.call(out, k)) setKey(out, k, v); // earlier merges win
    }
  }
}

/** own property even for `__proto__`, so a key can never reach the prototype. */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function at(st: WalkState, offset: number, code: string, message: string, hint?: string): Issue {
  const pos = st.source.lines.linePos(offset);
  return fileIssue(st.source.file, code, message, hint, pos.line, pos.col);
}

/**
 * The `plugins:` list of a pipeline text, read before the registry exists (plugins add connectors
 * the schema must know). Returns [] when the file has none or cannot be parsed; loading reports why.
 */
export function readPluginList(text: string, file: string): string[] {
  const parsed = parseYamlText(text, file);
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const plugins = (value as Record<string, unknown>)['plugins'];
  return Array.isArray(plugins) ? plugins.filter((p): p is string => typeof p === 'string') : [];
}
