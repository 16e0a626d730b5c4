import type { BindDef } from 'oracledb';
import type { Column, Row, Value } from '../../core/records/types.js';
import type { OracleDb } from './driver.js';
import { utcTimestampBind } from './query.js';

/**
 * Canonical rows → executeMany bind rows and bindDefs. Integers and decimals are bound as text
 * (exact; the session's NLS_NUMERIC_CHARACTERS is '.,'), numbers as binary doubles, booleans as
 * 1/0, dates and timestamps as UTC text for TO_DATE/TO_TIMESTAMP (see valueExpr), JSON as its
 * text, binary as bytes. Text longer than a VARCHAR2 bind (32767 bytes) is bound as a CLOB.
 */
const MAX_INLINE = 32767;

type BindValue = string | number | Buffer | null;

export function bindValue(column: Column, v: Value | undefined): BindValue {
  if (v === null || v === undefined) return null;
  switch (column.type) {
    case 'number': return typeof v === 'number' ? v : Number(v);
    case 'boolean': return v === true || v === 'true' || v === 1 ? 1 : 0;
    case 'timestamp': return typeof v === 'string' ? utcTimestampBind(v) : String(v);
    case 'date': return typeof v === 'string' ? v.slice(0, 10) : String(v);
    case 'json': return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    case 'binary': return v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(String(v));
    default:
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

export function bindRows(columns: readonly Column[], rows: readonly Row[], from: number, to: number): BindValue[][] {
  const out: BindValue[][] = [];
  for (let i = from; i < to; i++) out.push(columns.map((c) => bindValue(c, rows[i]![c.name])));
  return out;
}

/** Types and sizes of one executeMany call, from the values it binds. */
export function bindDefs(db: Pick<OracleDb, 'STRING' | 'BUFFER' | 'NUMBER' | 'DB_TYPE_CLOB' | 'DB_TYPE_BLOB'>, columns: readonly Column[], rows: readonly BindValue[][]): BindDef[] {
  return columns.map((c, i) => {
    if (c.type === 'number' || c.type === 'boolean') return { type: db.NUMBER };
    let max = 1;
    for (const r of rows) {
      const v = r[i];
      const size = v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v instanceof Buffer ? v.length : String(v).length;
      if (size > max) max = size;
    }
    if (c.type === 'binary') return max > MAX_INLINE ? { type: db.DB_TYPE_BLOB } : { type: db.BUFFER, maxSize: max };
    return max > MAX_INLINE ? { type: db.DB_TYPE_CLOB } : { type: db.STRING, maxSize: max };
  });
}
