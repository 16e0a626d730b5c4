import { preciseNumberValue } from './json-rows.js';

/**
 * JSON.parse turns every number into a float64, so integers beyond 2^53 would silently change.
 * A body holding a run of 16+ digits is pre-scanned: number tokens (outside strings) with more
 * than 15 significant digits become marked strings before parsing. After the records are found,
 * `restoreRecord` turns top-level marks into exact values (int64 → number/bigint, others →
 * decimal text); nested marks become plain numbers (json values have no exact big-number form).
 * Scalars read for pagination (a numeric cursor) keep their exact digits as text.
 */
const LONG_DIGITS = /\d{16}/;
const NONCE = Math.random().toString(36).slice(2, 8);
const MARK = `\u0000n${NONCE}:`;
const MARK_JSON = `\\u0000n${NONCE}:`;

export function parseExactJson(text: string): unknown {
  return JSON.parse(LONG_DIGITS.test(text) ? markLongNumbers(text) : text);
}

/** A record's top-level values exact, nested ones as numbers. */
export function restoreRecord(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in obj) {
    const v = obj[key];
    out[key] = typeof v === 'string' && v.startsWith(MARK) ? preciseNumberValue(v.slice(MARK.length)) : restoreNested(v);
  }
  return out;
}

/** A scalar (cursor, URL, error text) as it was written: marked numbers keep their digits. */
export function restoreScalar(v: unknown): unknown {
  return typeof v === 'string' && v.startsWith(MARK) ? v.slice(MARK.length) : restoreNested(v);
}

/** Any value with marks turned back into plain JSON numbers (for error lists and messages). */
export function restoreNested(v: unknown): unknown {
  if (typeof v === 'string') return v.startsWith(MARK) ? Number(v.slice(MARK.length)) : v;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(restoreNested);
  const out: Record<string, unknown> = {};
  for (const key in v as Record<string, unknown>) out[key] = restoreNested((v as Record<string, unknown>)[key]);
  return out;
}

function markLongNumbers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i);
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      if (significantDigits(token) > 15) {
        out += `${text.slice(last, i)}"${MARK_JSON}${token}"`;
        last = j;
      }
      i = j;
      continue;
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}

function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92) i += 2;
    else if (c === 34) return i + 1;
    else i++;
  }
  return i;
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

function significantDigits(token: string): number {
  const mantissa = token.split(/[eE]/)[0] ?? '';
  return mantissa.replace(/[^0-9]/g, '').replace(/^0+/, '').length;
}
