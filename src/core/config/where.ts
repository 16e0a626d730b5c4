import { pointerJoin, pointerParts } from './locate.js';

/** Value at a JSON pointer, or undefined. */
export function valueAt(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc;
  for (const part of pointerParts(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Replaces the value at a JSON pointer (the parent must exist). */
export function setAt(doc: unknown, pointer: string, value: unknown): void {
  const parts = pointerParts(pointer);
  const last = parts.pop();
  if (last === undefined) return;
  let cur: unknown = doc;
  for (const part of parts) cur = (cur as Record<string, unknown> | undefined)?.[part];
  if (cur !== null && typeof cur === 'object') (cur as Record<string, unknown>)[last] = value;
}

export type StageKind = 'source' | 'sink' | 'transform' | 'connection';

export interface StageRef {
  readonly kind: StageKind;
  /** JSON pointer of the stage ('/load/1'). */
  readonly pointer: string;
  /** 'extract', 'load[1]', 'transform[0]', 'connection `warehouse`'. */
  readonly label: string;
  readonly type?: string;
}

/** The stage (extract, a load, a transform step, a connection) a pointer lies in, if any. */
export function stageOf(doc: unknown, pointer: string): StageRef | undefined {
  const parts = pointerParts(pointer);
  const [head, second] = parts;
  let ref: Omit<StageRef, 'type'> | undefined;
  if (head === 'extract') ref = { kind: 'source', pointer: '/extract', label: 'extract' };
  else if (head === 'load' && Array.isArray(valueAt(doc, '/load'))) {
    if (second !== undefined) ref = { kind: 'sink', pointer: pointerJoin('/load', second), label: `load[${second}]` };
  } else if (head === 'load') ref = { kind: 'sink', pointer: '/load', label: 'load' };
  else if (head === 'transform' && second !== undefined) {
    ref = { kind: 'transform', pointer: pointerJoin('/transform', second), label: `transform[${second}]` };
  } else if (head === 'connections' && second !== undefined) {
    ref = { kind: 'connection', pointer: pointerJoin('/connections', second), label: `connection \`${second}\`` };
  }
  if (!ref) return undefined;
  const type = (valueAt(doc, ref.pointer) as Record<string, unknown> | undefined)?.['type'];
  return typeof type === 'string' ? { ...ref, type } : ref;
}

/** 'load (csv)', 'transform[1] (filter)'. */
export function stageLabel(stage: StageRef): string {
  return stage.type ? `${stage.label} (${stage.type})` : stage.label;
}

/** Dotted key path with [i] for list items: `incremental.column`, `key[0]`. */
export function dotted(parts: readonly string[]): string {
  let out = '';
  for (const part of parts) {
    if (/^\d+$/.test(part) && out) out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** "`batch_size` in extract (csv)", "`errors.max_rejects`", "the pipeline". */
export function describeKey(doc: unknown, pointer: string): string {
  const stage = stageOf(doc, pointer);
  if (!stage) return pointer === '' ? 'the pipeline' : `\`${dotted(pointerParts(pointer))}\``;
  if (stage.pointer === pointer) return stageLabel(stage);
  const rel = pointerParts(pointer).slice(pointerParts(stage.pointer).length);
  return `\`${dotted(rel)}\` in ${stageLabel(stage)}`;
}

/** Where a container is, for "missing key … in X" / "unknown key … in X". */
export function describeContainer(doc: unknown, pointer: string): string {
  if (pointer === '') return 'the pipeline';
  const stage = stageOf(doc, pointer);
  if (!stage) return `\`${dotted(pointerParts(pointer))}\``;
  if (stage.pointer === pointer) return stageLabel(stage);
  const rel = pointerParts(pointer).slice(pointerParts(stage.pointer).length);
  return `\`${dotted(rel)}\` of ${stageLabel(stage)}`;
}
