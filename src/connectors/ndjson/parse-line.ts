import { parseExactJson, restoreNested, restoreRecord } from '../shared/exact-json.js';

/**
 * JSON.parse for one NDJSON line that keeps long numbers exact (see shared/exact-json.ts):
 * top-level values become exact integers (number or bigint, within 64 bits) or decimal text;
 * inside nested objects/arrays they become plain numbers, since json values have no exact
 * big-number form.
 */
const LONG_DIGITS = /\d{16}/;

export function parseJsonLine(line: string): unknown {
  // fast path: without a run of 16 digits no number can lose precision
  if (!LONG_DIGITS.test(line)) return JSON.parse(line);
  const value = parseExactJson(line);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return restoreRecord(value as Record<string, unknown>);
  return restoreNested(value);
}
