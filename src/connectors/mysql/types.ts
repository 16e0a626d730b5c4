import type { Column, ColumnType, Value } from '../../core/records/types.js';
import { isoFromDateTime } from '../sql/timestamps.js';

/**
 * MySQL/MariaDB result columns → canonical columns and value converters. The driver runs with
 * supportBigNumbers + bigNumberStrings, decimalNumbers: false and dateStrings, so BIGINT and
 * DECIMAL arrive as exact strings and dates as the server's text; these finish the job.
 */
export interface MysqlField {
  readonly name: string;
  readonly columnType: number;
  readonly characterSet: number;
  readonly columnLength: number;
  readonly flags: number;
  readonly decimals: number;
  readonly extendedFormat?: string;
  readonly extendedTypeName?: string;
}

/** mysql2's type codes (lib/constants/types.js), by name. */
export const T = {
  DECIMAL: 0x00, TINY: 0x01, SHORT: 0x02, LONG: 0x03, FLOAT: 0x04, DOUBLE: 0x05, TIMESTAMP: 0x07,
  LONGLONG: 0x08, INT24: 0x09, DATE: 0x0a, TIME: 0x0b, DATETIME: 0x0c, YEAR: 0x0d, NEWDATE: 0x0e,
  VARCHAR: 0x0f, BIT: 0x10, JSON: 0xf5, NEWDECIMAL: 0xf6, ENUM: 0xf7, SET: 0xf8, TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa, LONG_BLOB: 0xfb, BLOB: 0xfc, VAR_STRING: 0xfd, STRING: 0xfe, GEOMETRY: 0xff,
} as const;

const BINARY_CHARSET = 63;
const NOT_NULL_FLAG = 1;
const UNSIGNED_FLAG = 32;

/** TINYINT(1) is MySQL's BOOLEAN: read as boolean (any non-zero is true). */
function isBoolean(f: MysqlField): boolean {
  return f.columnType === T.TINY && f.columnLength === 1;
}

export function canonicalType(f: MysqlField): ColumnType {
  if (f.extendedFormat === 'json' || f.columnType === T.JSON) return 'json';
  switch (f.columnType) {
    case T.TINY: return isBoolean(f) ? 'boolean' : 'integer';
    case T.SHORT: case T.LONG: case T.INT24: case T.LONGLONG: case T.YEAR: return 'integer';
    case T.DECIMAL: case T.NEWDECIMAL: return 'decimal';
    case T.FLOAT: case T.DOUBLE: return 'number';
    case T.DATE: case T.NEWDATE: return 'date';
    case T.DATETIME: case T.TIMESTAMP: return 'timestamp';
    case T.BIT: case T.GEOMETRY: return 'binary';
    case T.TINY_BLOB: case T.MEDIUM_BLOB: case T.LONG_BLOB: case T.BLOB: case T.VAR_STRING: case T.STRING:
      return f.characterSet === BINARY_CHARSET ? 'binary' : 'string';
    default: return 'string';
  }
}

export function columnFromField(f: MysqlField): Column {
  const type = canonicalType(f);
  const nullable = (f.flags & NOT_NULL_FLAG) === 0;
  const base = { name: f.name, type, nullable, native_type: nativeName(f) };
  if (type === 'decimal') {
    // columnLength counts digits plus sign and point; decimals is the scale
    const scale = f.decimals;
    const unsigned = (f.flags & UNSIGNED_FLAG) !== 0;
    const precision = f.columnLength - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
    return { ...base, precision, scale };
  }
  if (type === 'timestamp') return { ...base, with_zone: f.columnType === T.TIMESTAMP };
  return base;
}

function nativeName(f: MysqlField): string {
  if (f.extendedTypeName) return f.extendedTypeName;
  if (f.extendedFormat === 'json') return 'json';
  const entry = Object.entries(T).find(([, code]) => code === f.columnType);
  const name = entry ? entry[0] : `type ${f.columnType}`;
  return isBoolean(f) ? 'TINYINT(1)' : name;
}

type Converter = (v: unknown) => Value;
const same: Converter = (v) => v as Value;

/** One converter per column, computed once per result set. */
export function converterFor(f: MysqlField): Converter {
  const type = canonicalType(f);
  if (type === 'boolean') return (v) => (v === null ? null : Number(v) !== 0);
  if (f.columnType === T.LONGLONG) return (v) => (v === null || typeof v === 'number' ? (v as Value) : bigIntValue(String(v)));
  if (type === 'date') return (v) => (v === null || String(v).startsWith('0000-00-00') ? null : String(v));
  if (f.columnType === T.DATETIME) return (v) => zeroDateOr(v, '');
  if (f.columnType === T.TIMESTAMP) return (v) => zeroDateOr(v, 'Z');
  if (type === 'binary') return (v) => (v === null ? null : toBytes(v));
  return same;
}

function zeroDateOr(v: unknown, zone: '' | 'Z'): Value {
  if (v === null || v === undefined) return null;
  const text = String(v);
  // MySQL's zero date ('0000-00-00 00:00:00') is not a timestamp: read as NULL (documented)
  return text.startsWith('0000-00-00') ? null : isoFromDateTime(text, zone);
}

function bigIntValue(text: string): number | bigint | string {
  if (!/^-?\d+$/.test(text)) return text;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function toBytes(v: unknown): Uint8Array | null {
  // a plain Uint8Array view (no copy): the canonical binary value, not a Buffer
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : v;
  if (typeof v === 'string') return new TextEncoder().encode(v);
  // GEOMETRY is parsed into an object by the driver; keep its JSON text as bytes
  return new TextEncoder().encode(JSON.stringify(v));
}
