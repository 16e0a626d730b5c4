import mysql from 'mysql2';
import type { Column, Value } from '../../core/records/types.js';
import { toUtcDateTime } from '../sql/timestamps.js';

/**
 * Canonical values → SQL literals for multi-row INSERTs, escaped by the driver's own escaper
 * (the write session's sql_mode keeps backslash escapes in force). Timestamps are written in UTC
 * as 'YYYY-MM-DD HH:MM:SS.ffffff' (MariaDB refuses 'T'/'Z'), JSON as its text, binary as X'…'.
 */
export type Encoder = (v: Value | undefined) => string;

const jsonText = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

export function literal(v: Value | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : mysql.escape(String(v));
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return mysql.escape(v);
  if (v instanceof Uint8Array) return mysql.escape(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  return mysql.escape(jsonText(v));
}

export function encoderFor(column: Column): Encoder {
  switch (column.type) {
    case 'json': return (v) => (v === null || v === undefined ? 'NULL' : mysql.escape(jsonText(v)));
    case 'timestamp': return (v) => (typeof v === 'string' ? mysql.escape(toUtcDateTime(v)) : literal(v));
    default: return literal;
  }
}
