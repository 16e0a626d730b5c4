import type { ColumnType, Value } from '../../core/records/types.js';
import { parseInstant } from '../../core/expr/index.js';

/** The column type a value suggests (derive/flatten/unnest when the compiler cannot tell). */
export function typeOfValue(v: Value): ColumnType | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (v instanceof Uint8Array) return 'binary';
  if (typeof v === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v) && parseInstant(v)) return 'date';
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v) && parseInstant(v)) return 'timestamp';
    return 'string';
  }
  return 'json';
}

/** One type for a sample of values: integer+number → number, anything mixed → string/json. */
export function inferType(values: Iterable<Value>, fallback: ColumnType = 'string'): ColumnType {
  let found: ColumnType | undefined;
  for (const v of values) {
    const t = typeOfValue(v);
    if (t === undefined || t === found) continue;
    if (found === undefined) found = t;
    else if ((found === 'integer' && t === 'number') || (found === 'number' && t === 'integer')) found = 'number';
    else if ((found === 'date' && t === 'timestamp') || (found === 'timestamp' && t === 'date')) found = 'timestamp';
    else return found === 'json' || t === 'json' ? 'json' : 'string';
  }
  return found ?? fallback;
}
