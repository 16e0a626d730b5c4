import { RunError } from '../../core/errors.js';
import { restoreNested } from '../shared/exact-json.js';

const TEXT_KEYS = ['error', 'message', 'reason', 'detail', 'errors'] as const;

/** The text of one error entry: a string, or { error | message | reason | detail | errors }. */
function errorText(entry: unknown): string | undefined {
  if (entry === null || entry === undefined || entry === false || entry === '') return undefined;
  if (typeof entry === 'string') return entry;
  if (typeof entry !== 'object') return String(entry);
  if (Array.isArray(entry)) return entry.length === 0 ? undefined : JSON.stringify(restoreNested(entry));
  const obj = entry as Record<string, unknown>;
  if (Object.keys(obj).length === 0) return undefined;
  for (const key of TEXT_KEYS) {
    if (!(key in obj)) continue;
    const v = obj[key];
    if (v === null || v === undefined || v === false || v === '') return undefined;
    return typeof v === 'string' ? v : JSON.stringify(restoreNested(v));
  }
  return JSON.stringify(restoreNested(obj));
}

function isIndexed(list: readonly unknown[]): boolean {
  return list.length > 0 && list.every((e) => e !== null && typeof e === 'object' && typeof (e as { index?: unknown }).index === 'number');
}

/**
 * Per-record failures in a 2xx answer, by position in the request (0-based). `found` is the value at
 * `errors_path`. Accepted shapes:
 * - `[{ index: 2, error: "bad email" }, …]`: only the failed records, by 0-based index;
 * - an array as long as the request, `null` (or `{}`, `{ error: null }`) for a record that went
 *   through, a string or `{ error | message | reason }` for one that failed;
 * - with one record per request (body_format object): any non-empty value is that record's error.
 * Missing, null or an empty array means every record went through.
 */
export function recordErrors(found: unknown, count: number, where: string): Map<number, string> {
  const out = new Map<number, string>();
  if (found === undefined || found === null) return out;
  if (!Array.isArray(found)) {
    const text = errorText(found);
    if (text !== undefined && count === 1) out.set(0, text);
    else if (text !== undefined) throw shapeError(where, count);
    return out;
  }
  if (found.length === 0) return out;
  if (isIndexed(found)) {
    for (const e of found as { index: number }[]) {
      const { index: _index, ...rest } = e;
      if (!Number.isInteger(e.index) || e.index < 0 || e.index >= count) {
        throw new RunError('E_REST_ERRORS_INDEX', `${where}: errors_path lists index ${e.index}, but the request held ${count} records`, {
          hint: 'indexes are 0-based positions in the request body',
        });
      }
      out.set(e.index, errorText(rest) ?? 'rejected by the API');
    }
    return out;
  }
  if (found.length !== count) throw shapeError(where, count);
  found.forEach((entry, i) => {
    const text = errorText(entry);
    if (text !== undefined) out.set(i, text);
  });
  return out;
}

function shapeError(where: string, count: number): RunError {
  return new RunError('E_REST_ERRORS_SHAPE', `${where}: the per-record errors at errors_path are neither [{index, error}] nor a list of ${count} entries`, {
    hint: 'see `etl-cli connectors rest` for the shapes errors_path understands',
  });
}
