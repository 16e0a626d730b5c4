import type { Column, ColumnType, JsonValue, Value } from '../../core/records/types.js';
import type { TypeMap } from '../sql/dialect.js';
import type { SqliteParam } from './driver.js';

/**
 * Canonical types ↔ SQLite declared types. SQLite stores only NULL/INTEGER/REAL/TEXT/BLOB and
 * derives a column's affinity from substrings of its declared type, so the names below are
 * chosen to (1) give the storage class that keeps each value exact and (2) let the source map
 * the column back to the same canonical type. `DECIMAL_TEXT` contains "TEXT" (TEXT affinity:
 * '12345678901234567.89' is never turned into a lossy REAL); `DATE`/`TIMESTAMP`/`BOOLEAN` have
 * NUMERIC affinity, which leaves ISO strings as TEXT and stores 0/1 as INTEGER.
 */
export const SQLITE_TYPE_TABLE: Readonly<Record<ColumnType, string>> = {
  integer: 'INTEGER',
  number: 'REAL',
  decimal: 'DECIMAL_TEXT(p,s)',
  string: 'TEXT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  json: 'JSON_TEXT',
  binary: 'BLOB',
};

export const sqliteTypes: TypeMap = {
  table: SQLITE_TYPE_TABLE,
  toNative(column: Column): string {
    if (column.type === 'decimal') {
      if (column.precision === undefined) return 'DECIMAL_TEXT';
      return `DECIMAL_TEXT(${column.precision},${column.scale ?? 0})`;
    }
    if (column.type === 'timestamp' && column.with_zone) return 'TIMESTAMPTZ';
    return SQLITE_TYPE_TABLE[column.type];
  },
};

/** A declared column type → canonical column, or undefined when the values must decide. */
export function columnFromDeclared(name: string, declared: string | null | undefined): Column | undefined {
  const t = (declared ?? '').trim().toUpperCase();
  const type = canonicalOf(t);
  if (!type) return undefined;
  const base = { name, type, native_type: declared ?? undefined } as Column;
  if (type === 'decimal') {
    const m = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(t);
    if (m) return { ...base, precision: Number(m[1]), scale: Number(m[2] ?? 0) };
  }
  if (type === 'timestamp' && /TZ|ZONE/.test(t)) return { ...base, with_zone: true };
  return base;
}

function canonicalOf(t: string): ColumnType | undefined {
  if (t === '') return undefined;
  if (t.includes('JSON')) return 'json';
  if (/DECIMAL|NUMERIC|MONEY/.test(t)) return 'decimal';
  if (t.includes('BOOL')) return 'boolean';
  if (/DATETIME|TIMESTAMP/.test(t)) return 'timestamp';
  if (t.includes('DATE')) return 'date';
  if (t.includes('INT')) return 'integer';
  if (/REAL|FLOA|DOUB/.test(t)) return 'number';
  if (/BLOB|BINARY|BYTEA/.test(t)) return 'binary';
  if (/CHAR|CLOB|TEXT|TIME|UUID/.test(t)) return 'string';
  return undefined;
}

/** Column type from stored values when nothing is declared (expressions in a query). */
export function inferType(values: readonly unknown[]): ColumnType {
  let seen: ColumnType | undefined;
  for (const v of values) {
    const t = storageType(v);
    if (t === undefined) continue;
    if (seen === undefined || seen === t) seen = t;
    else if ((seen === 'integer' && t === 'number') || (seen === 'number' && t === 'integer')) seen = 'number';
    else return 'string';
  }
  return seen ?? 'string';
}

function storageType(v: unknown): ColumnType | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'bigint') return 'integer';
  // integers arrive as bigint (safe integers on): a JS number is always a stored REAL
  if (typeof v === 'number') return 'number';
  if (v instanceof Uint8Array) return 'binary';
  return 'string';
}

/** Thrown by readValue for a stored value that cannot be the column's type. */
export class ValueMismatch extends Error {}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const encoder = new TextEncoder();

/** A stored SQLite value (integers arrive as bigint) → the canonical value for the column. */
export function readValue(v: unknown, column: Column): Value {
  if (v === null || v === undefined) return null;
  switch (column.type) {
    case 'integer': return readInteger(v);
    case 'number': return readNumber(v);
    case 'decimal': return readDecimal(v, column.scale);
    case 'boolean': return readBoolean(v);
    case 'date': return readTimestamp(v).slice(0, 10);
    case 'timestamp': return readTimestamp(v);
    case 'json': return readJson(v);
    case 'binary': return v instanceof Uint8Array ? plainBytes(v) : encoder.encode(String(v));
    case 'string': return v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v);
  }
}

function readInteger(v: unknown): number | bigint {
  if (typeof v === 'bigint') return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return readInteger(BigInt(v.trim()));
  throw new ValueMismatch(`${describe(v)} is not an integer`);
}

function readNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (Number.isNaN(n)) throw new ValueMismatch(`${describe(v)} is not a number`);
  return n;
}

/** NUMERIC(p,s) columns have NUMERIC affinity and hold REALs: the declared scale restores '1.10'. */
function readDecimal(v: unknown, scale: number | undefined): string {
  if (typeof v === 'number' && scale !== undefined && Number.isFinite(v) && Math.abs(v) < 1e21) return v.toFixed(scale);
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) return v.trim();
  throw new ValueMismatch(`${describe(v)} is not a decimal`);
}

function readBoolean(v: unknown): boolean {
  if (v === 0n || v === 0) return false;
  if (v === 1n || v === 1) return true;
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (s === 'true' || s === 't' || s === '1') return true;
  if (s === 'false' || s === 'f' || s === '0') return false;
  throw new ValueMismatch(`${describe(v)} is not a boolean (0/1)`);
}

/** ISO text as stored; SQLite's own 'YYYY-MM-DD HH:MM:SS' gets the ISO 'T'; integers are unix seconds. */
function readTimestamp(v: unknown): string {
  if (typeof v === 'string') return /^\d{4}-\d\d-\d\d \d/.test(v) ? `${v.slice(0, 10)}T${v.slice(11)}` : v;
  if (typeof v === 'bigint' || typeof v === 'number') {
    const d = new Date(Number(v) * 1000);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  throw new ValueMismatch(`${describe(v)} is not a date/time`);
}

function readJson(v: unknown): JsonValue {
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as JsonValue;
    } catch {
      throw new ValueMismatch(`${describe(v)} is not valid JSON`);
    }
  }
  if (typeof v === 'bigint') return readInteger(v) as number;
  if (typeof v === 'number') return v;
  throw new ValueMismatch('a BLOB is not JSON');
}

function plainBytes(v: Uint8Array): Uint8Array {
  // better-sqlite3 returns a fresh Buffer: view it as a plain Uint8Array without copying
  return v.constructor === Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function describe(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A canonical value → a bind parameter. Integer-valued numbers are bound as bigint because
 * better-sqlite3 binds every JS number as REAL (a TEXT column would get '1.0').
 */
export function bindValue(v: Value | undefined, type: ColumnType): SqliteParam {
  if (v === null || v === undefined) return null;
  if (type === 'json') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'bigint') {
    if (v < INT64_MIN || v > INT64_MAX) throw new ValueMismatch(`${v} does not fit a 64-bit SQLite INTEGER`);
    return type === 'decimal' || type === 'string' ? v.toString() : v;
  }
  if (typeof v === 'number') {
    if (type === 'decimal' || type === 'string') return String(v);
    return Number.isSafeInteger(v) && type !== 'number' ? BigInt(v) : v;
  }
  if (typeof v === 'string' || v instanceof Uint8Array) return v;
  return JSON.stringify(v);
}
