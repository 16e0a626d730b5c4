import type { Column, ColumnType, RecordSchema, Value } from './types.js';

/**
 * Column type inference for text sources (CSV, XML) and exact text → canonical value conversion.
 *
 * Rules, applied to the non-empty values of the first `DEFAULT_SAMPLE_ROWS` rows of a column:
 * - no values at all → string;
 * - all `true`/`false` (any case) → boolean;
 * - all `YYYY-MM-DD` (valid calendar dates) → date;
 * - all ISO-8601 timestamps (`T` or space, optional seconds, fraction up to 9 digits, optional
 *   `Z`/`±HH[:MM]`), dates allowed among them → timestamp (with_zone when every value has a zone);
 * - all numbers without leading zeros (`00123` is a code, so the column stays string):
 *   - all integers that fit 64 bits → integer (values beyond 2^53 become bigint);
 *   - any value with more significant digits than float64 keeps (> 15), or an integer beyond
 *     64 bits → decimal (canonical text, exact);
 *   - otherwise → number;
 * - anything else → string.
 * A value of a later row that does not fit is the caller's to reject (see `mismatchReason`).
 */
export const DEFAULT_SAMPLE_ROWS = 1000;

/** float64 keeps 15 significant decimal digits exactly through text → number → text. */
const FLOAT_DIGITS = 15;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const INTEGER = /^[+-]?\d+$/;
const NUMERIC = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const BOOLEAN = /^(?:true|false)$/i;
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

interface ColumnStats {
  seen: number;
  boolean: boolean;
  date: boolean;
  timestamp: boolean;
  zoned: boolean;
  numeric: boolean;
  integer: boolean;
  decimal: boolean;
}

export function inferSchema(
  columnNames: readonly string[],
  sampleRows: readonly (readonly (string | null | undefined)[])[],
  overrides: Readonly<Record<string, ColumnType>> = {},
): RecordSchema {
  const limit = Math.min(sampleRows.length, DEFAULT_SAMPLE_ROWS);
  const columns: Column[] = columnNames.map((name, i) => {
    const override = overrides[name];
    if (override) return { name, type: override };
    const stats: ColumnStats = { seen: 0, boolean: true, date: true, timestamp: true, zoned: true, numeric: true, integer: true, decimal: false };
    for (let r = 0; r < limit; r++) {
      const text = sampleRows[r]?.[i];
      if (text === null || text === undefined || text === '') continue;
      observe(stats, text);
      if (!stats.boolean && !stats.date && !stats.timestamp && !stats.numeric) break;
    }
    return columnFromStats(name, stats);
  });
  return { columns };
}

function observe(s: ColumnStats, text: string): void {
  s.seen++;
  if (s.boolean && !BOOLEAN.test(text)) s.boolean = false;
  if (s.date && parseDate(text) === undefined) s.date = false;
  if (s.timestamp) {
    const ts = parseTimestamp(text);
    if (ts !== undefined) {
      if (!/(?:Z|[+-]\d{2}:\d{2})$/.test(ts)) s.zoned = false;
    } else if (parseDate(text) !== undefined) {
      s.zoned = false; // a bare date among timestamps: midnight, zone-less
    } else {
      s.timestamp = false;
    }
  }
  if (s.numeric) {
    const n = numericShape(text);
    if (n === undefined) {
      s.numeric = false;
    } else {
      // a long value needs decimal unless the column ends up all-integer (int64 keeps it exact)
      if (n.digits > FLOAT_DIGITS) s.decimal = true;
      if (!n.integer || (n.digits > FLOAT_DIGITS && !fitsInt64(text))) s.integer = false;
    }
  }
}

function columnFromStats(name: string, s: ColumnStats): Column {
  if (s.seen === 0) return { name, type: 'string' };
  if (s.boolean) return { name, type: 'boolean' };
  if (s.date) return { name, type: 'date' };
  if (s.timestamp) return { name, type: 'timestamp', with_zone: s.zoned };
  if (s.numeric) {
    if (s.integer) return { name, type: 'integer' };
    return { name, type: s.decimal ? 'decimal' : 'number' };
  }
  return { name, type: 'string' };
}

/** Numeric text without leading zeros: its significant digit count and whether it is an integer. */
function numericShape(text: string): { digits: number; integer: boolean } | undefined {
  const m = NUMERIC.exec(text);
  if (!m) return undefined;
  const int = m[2] ?? '';
  const frac = m[3];
  if (int === '' && (frac === undefined || frac === '')) return undefined;
  if (int.length > 1 && int[0] === '0') return undefined; // 00123: an identifier, not a number
  const all = (int + (frac ?? '')).replace(/^0+/, '');
  return { digits: all.length, integer: frac === undefined && m[4] === undefined };
}

function fitsInt64(text: string): boolean {
  if (!INTEGER.test(text)) return false;
  const b = BigInt(text);
  return b >= INT64_MIN && b <= INT64_MAX;
}

/**
 * The canonical value of `text` as `type`, or undefined when it does not fit.
 * Hot path: no allocation beyond the value itself.
 */
export function parseValue(text: string, type: ColumnType): Value | undefined {
  switch (type) {
    case 'string':
      return text;
    case 'integer':
      return parseInteger(text);
    case 'number':
      return parseNumber(text);
    case 'decimal':
      return normaliseDecimal(text);
    case 'boolean':
      return BOOLEAN.test(text) ? text.length === 4 : undefined;
    case 'date':
      return parseDate(text);
    case 'timestamp':
      return parseTimestamp(text) ?? (parseDate(text) === undefined ? undefined : `${text}T00:00:00`);
    case 'json':
      try {
        return JSON.parse(text) as Value;
      } catch {
        return undefined;
      }
    case 'binary':
      if (!BASE64.test(text)) return undefined;
      {
        const buf = Buffer.from(text, 'base64');
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
      }
  }
}

/** Like parseValue, but throws a TypeError saying why ("'abc' is not a decimal"). */
export function coerce(text: string, type: ColumnType): Value {
  const value = parseValue(text, type);
  if (value === undefined) throw new TypeError(mismatchReason(undefined, text, type));
  return value;
}

/** "column amount: 'abc' is not a decimal" (long values are cut). */
export function mismatchReason(column: string | undefined, text: string, type: ColumnType): string {
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  const article = type === 'integer' ? 'an' : 'a';
  const what = type === 'json' ? 'valid JSON' : type === 'binary' ? 'base64' : `${article} ${type}`;
  return `${column === undefined ? '' : `column ${column}: `}'${shown}' is not ${what}`;
}

function parseInteger(text: string): number | bigint | undefined {
  const len = text.length;
  if (len === 0) return undefined;
  let i = text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43 ? 1 : 0; // - or +
  if (i === len) return undefined;
  for (let k = i; k < len; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return undefined;
  }
  if (len - i <= 15) {
    const n = Number(text);
    return n === 0 ? 0 : n;
  }
  const b = BigInt(text);
  if (b < INT64_MIN || b > INT64_MAX) return undefined;
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b;
}

/** Digits, one sign, a point and an exponent only (Number() alone would take " 1", "0x1A", ""). */
function parseNumber(text: string): number | undefined {
  const len = text.length;
  if (len === 0) return undefined;
  for (let k = 0; k < len; k++) {
    const c = text.charCodeAt(k);
    // 0-9 . + - e E
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) return undefined;
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** "+007.50" → "7.50", ".5" → "0.5", "1.5e3" → "1500", "-0.00" → "0.00"; scale is kept. */
export function normaliseDecimal(text: string): string | undefined {
  if (CANONICAL_DECIMAL.test(text)) return /^-0(?:\.0+)?$/.test(text) ? text.slice(1) : text;
  const m = NUMERIC.exec(text);
  if (!m) return undefined;
  const sign = m[1] === '-' ? '-' : '';
  let int = m[2] ?? '';
  let frac = m[3] ?? '';
  if (int === '' && frac === '') return undefined;
  if (m[4] !== undefined) {
    const exp = Number(m[4]);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 10_000) return undefined;
    const digits = int + frac;
    const point = int.length + exp;
    if (point <= 0) [int, frac] = ['0', '0'.repeat(-point) + digits];
    else if (point >= digits.length) [int, frac] = [digits + '0'.repeat(point - digits.length), ''];
    else [int, frac] = [digits.slice(0, point), digits.slice(point)];
  }
  int = int.replace(/^0+(?=\d)/, '');
  if (int === '') int = '0';
  const body = frac === '' ? int : `${int}.${frac}`;
  return /[1-9]/.test(body) ? sign + body : body;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "YYYY-MM-DD" when `text` is a valid calendar date in that form. */
export function parseDate(text: string): string | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  return y >= 0 && mo >= 0 && d >= 0 && validDate(y, mo, d) ? text : undefined;
}

/** The number written by `n` ASCII digits at `at`, or -1. */
function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let k = at; k < at + n; k++) {
    const c = text.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Already canonical ("YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z|±HH:MM]"): checked without a regex. */
function isCanonicalTimestamp(text: string): boolean {
  const len = text.length;
  if (len < 19 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  if (parseDate(text.slice(0, 10)) === undefined) return false;
  const hh = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const ss = digits(text, 17, 2);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return false;
  let i = 19;
  if (i < len && text.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < len && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === start || i - start > 9) return false;
  }
  if (i === len) return true;
  if (i === len - 1) return text.charCodeAt(i) === 90; // Z
  const sign = text.charCodeAt(i);
  if (i !== len - 6 || (sign !== 43 && sign !== 45) || text.charCodeAt(i + 3) !== 58) return false;
  const zh = digits(text, i + 1, 2);
  const zm = digits(text, i + 4, 2);
  return zh >= 0 && zh <= 23 && zm >= 0 && zm <= 59;
}

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || d > (DAYS[mo - 1] ?? 0)) return false;
  return mo !== 2 || d < 29 || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
}

/**
 * ISO-8601 → canonical "YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]": the fraction keeps its digits
 * (up to 9), a zone-less value stays zone-less (read as UTC), `z` → `Z`, `+0530`/`+05` → `+05:30`/`+05:00`.
 */
export function parseTimestamp(text: string): string | undefined {
  if (isCanonicalTimestamp(text)) return text;
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const date = m[1] as string;
  if (parseDate(date) === undefined) return undefined;
  const [hh, mi, ss = '00', frac] = [m[2] as string, m[3] as string, m[4], m[5]];
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) return undefined;
  let zone = '';
  if (m[6]) zone = 'Z';
  else if (m[7]) {
    const zh = m[8] as string;
    const zm = m[9] ?? '00';
    if (Number(zh) > 23 || Number(zm) > 59) return undefined;
    zone = `${m[7]}${zh}:${zm}`;
  }
  return `${date}T${hh}:${mi}:${ss}${frac ? `.${frac}` : ''}${zone}`;
}
