import { preciseNumberValue } from '../shared/json-rows.js';

const LONG_DIGITS = /\d{16}/;
const NONCE = Math.random().toString(36).slice(2, 8);
/** what a marked string parses to, and how it is written in the JSON text */
const MARK = `\u0000n${NONCE}:`;
const MARK_JSON = `\\u0000n${NONCE}:`;

/**
 * JSON.parse for one NDJSON line that keeps long numbers exact. JSON.parse turns every number
 * into a float64, so a line holding a run of 16+ digits is pre-scanned: number tokens (outside
 * strings) with more than 15 significant digits are swapped for marked strings, parsed, and put
 * back: top-level values become exact integers (number or bigint, within 64 bits) or decimal
 * text (PreciseNumber); inside nested objects/arrays they become plain numbers (float64, may
 * round), since json values have no exact big-number form.
 */
export function parseJsonLine(line: string): unknown {
  if (!LONG_DIGITS.test(line)) return JSON.parse(line);
  const marked = markLongNumbers(line);
  const value = JSON.parse(marked) as unknown;
  if (marked === line) return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return restore(value, false);
  const obj = value as Record<string, unknown>;
  for (const key in obj) obj[key] = restore(obj[key], true);
  return obj;
}

function restore(v: unknown, top: boolean): unknown {
  if (typeof v === 'string') {
    if (!v.startsWith(MARK)) return v;
    const token = v.slice(MARK.length);
    return top ? preciseNumberValue(token) : Number(token);
  }
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => restore(x, false));
  const obj = v as Record<string, unknown>;
  for (const key in obj) obj[key] = restore(obj[key], false);
  return obj;
}

/** Rewrites number tokens with more than 15 significant digits as marked JSON strings. */
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
    if (c === 92) i += 2; // backslash escape
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
