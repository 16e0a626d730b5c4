import type { FetchTypeResult, Metadata } from 'oracledb';
import type { Column, ColumnType, Value } from '../../core/records/types.js';
import type { OracleDb } from './driver.js';

/**
 * Oracle result columns → canonical columns, and the fetchTypeHandler that makes the driver
 * return exact values: NUMBER as text (never through a double), DATE/TIMESTAMP as text in the
 * session's fixed NLS formats (see SESSION_SQL), CLOB as string, BLOB as bytes.
 */

/** NUMBER(p,0) up to this precision is an integer column (number when safe, else bigint). */
export const MAX_INTEGER_PRECISION = 19;

export function canonicalType(meta: Metadata): ColumnType {
  switch (meta.dbType.name) {
    case 'DB_TYPE_NUMBER':
      return isInteger(meta) ? 'integer' : 'decimal';
    case 'DB_TYPE_BINARY_FLOAT': case 'DB_TYPE_BINARY_DOUBLE': case 'DB_TYPE_BINARY_INTEGER': return 'number';
    case 'DB_TYPE_BOOLEAN': return 'boolean';
    case 'DB_TYPE_DATE': case 'DB_TYPE_TIMESTAMP': case 'DB_TYPE_TIMESTAMP_TZ': case 'DB_TYPE_TIMESTAMP_LTZ': return 'timestamp';
    case 'DB_TYPE_JSON': return 'json';
    case 'DB_TYPE_BLOB': case 'DB_TYPE_RAW': case 'DB_TYPE_LONG_RAW': case 'DB_TYPE_BFILE': return 'binary';
    default: return 'string';
  }
}

function isInteger(meta: Metadata): boolean {
  // NUMBER without precision reports precision 0 and scale -127: any number, so decimal
  return meta.scale === 0 && (meta.precision ?? 0) > 0 && (meta.precision ?? 0) <= MAX_INTEGER_PRECISION;
}

export function columnFromMetadata(meta: Metadata): Column {
  const type = canonicalType(meta);
  const base = { name: meta.name, type, nullable: meta.nullable ?? true, native_type: meta.dbType.columnTypeName };
  if (type === 'decimal' && (meta.precision ?? 0) > 0 && (meta.scale ?? -127) !== -127) {
    return { ...base, precision: meta.precision!, scale: meta.scale! };
  }
  if (type === 'timestamp') return { ...base, with_zone: meta.dbType.name === 'DB_TYPE_TIMESTAMP_TZ' || meta.dbType.name === 'DB_TYPE_TIMESTAMP_LTZ' };
  return base;
}

/** Oracle prints 0.5 as '.5' and -0.5 as '-.5'; canonical decimals have a leading zero. */
export function decimalText(text: string): string {
  if (text.startsWith('.')) return `0${text}`;
  if (text.startsWith('-.')) return `-0${text.slice(1)}`;
  return text;
}

export function integerValue(text: string): number | bigint | string {
  if (!/^-?\d+$/.test(text)) return decimalText(text);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** '2024-01-02T03:04:05.123456+00:00' → '…Z'; other offsets are kept as given. */
export function timestampTzText(text: string): string {
  return text.replace(/[+-]00:00$/, 'Z');
}

const nullable = <T>(fn: (v: string) => T) => (v: unknown): T | null => (v === null || v === undefined ? null : fn(String(v)));

/** The fetchTypeHandler for execute(): `db` supplies the driver's type constants. */
export function fetchTypeHandler(db: Pick<OracleDb, 'STRING' | 'BUFFER'>): (meta: Metadata) => FetchTypeResult | undefined {
  return (meta) => {
    switch (meta.dbType.name) {
      case 'DB_TYPE_NUMBER':
        return { type: db.STRING, converter: nullable(isInteger(meta) ? integerValue : decimalText) };
      case 'DB_TYPE_DATE':
      case 'DB_TYPE_TIMESTAMP':
        return { type: db.STRING };
      case 'DB_TYPE_TIMESTAMP_TZ':
        return { type: db.STRING, converter: nullable(timestampTzText) };
      case 'DB_TYPE_TIMESTAMP_LTZ':
        // shown in the session time zone (UTC) without an offset
        return { type: db.STRING, converter: nullable((t) => `${t}Z`) };
      case 'DB_TYPE_CLOB': case 'DB_TYPE_NCLOB':
        return { type: db.STRING };
      case 'DB_TYPE_BLOB':
        return { type: db.BUFFER, converter: bytes };
      case 'DB_TYPE_RAW': case 'DB_TYPE_LONG_RAW':
        return { converter: bytes };
      default:
        return undefined;
    }
  };
}

function bytes(v: unknown): Value {
  if (v === null || v === undefined) return null;
  const b = v as Uint8Array;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
