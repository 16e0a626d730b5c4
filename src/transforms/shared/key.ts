import type { Row, Value } from '../../core/records/types.js';

/** An exact, type-tagged key for a set of columns (1 and '1' differ; bigint and number agree). */
export function rowKey(row: Row, columns: readonly string[]): string {
  let key = '';
  for (const c of columns) {
    const v: Value = Object.hasOwn(row, c) ? (row[c] ?? null) : null;
    key += `${tag(v)}\u0001`;
  }
  return key;
}

function tag(v: Value): string {
  if (v === null) return 'n';
  if (typeof v === 'number' || typeof v === 'bigint') return `#${String(v)}`;
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Uint8Array) return `b${Buffer.from(v).toString('base64')}`;
  return `j${JSON.stringify(v)}`;
}

/** True when any key column is null (such rows never collide, as SQL UNIQUE). */
export function hasNullKey(row: Row, columns: readonly string[]): boolean {
  return columns.some((c) => !Object.hasOwn(row, c) || row[c] === null || row[c] === undefined);
}
