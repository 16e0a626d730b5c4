import type { TargetInfo } from '../postgres/catalog.js';
import type { OracleSession } from './connection.js';
import { oracleName } from './dialect.js';

export { hasUniqueKey } from '../postgres/catalog.js';

/** Read-only dictionary queries; owner defaults to the session's current schema. */
const OWNER = "COALESCE(:owner, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA'))";

export const COLUMNS_SQL = `SELECT column_name, data_type, data_precision, data_scale FROM all_tab_columns WHERE owner = ${OWNER} AND table_name = :name ORDER BY column_id`;
export const UNIQUE_SQL = `SELECT i.index_name, c.column_name FROM all_indexes i JOIN all_ind_columns c ON c.index_owner = i.owner AND c.index_name = i.index_name WHERE i.table_owner = ${OWNER} AND i.table_name = :name AND i.uniqueness = 'UNIQUE' ORDER BY i.index_name, c.column_position`;

/** `schema`/`table` as written in the pipeline; folded like the quoting does (orders → ORDERS). */
export async function readTarget(s: OracleSession, schema: string | undefined, table: string): Promise<TargetInfo> {
  const binds = { owner: schema === undefined ? null : oracleName(schema), name: oracleName(table) };
  const opts = { outFormat: s.db.OUT_FORMAT_ARRAY };
  const cols = await s.conn.execute(COLUMNS_SQL, binds, opts);
  const rows = (cols.rows ?? []) as [string, string, number | null, number | null][];
  if (rows.length === 0) return { exists: false, schema_exists: true, columns: [], unique_keys: [] };
  const keys = new Map<string, string[]>();
  for (const [index, column] of ((await s.conn.execute(UNIQUE_SQL, binds, opts)).rows ?? []) as [string, string][]) {
    keys.set(index, [...(keys.get(index) ?? []), column]);
  }
  return {
    exists: true,
    schema_exists: true,
    columns: rows.map(([name, type, p, sc]) => ({ name, type: p !== null && p !== undefined && type === 'NUMBER' ? `NUMBER(${p},${sc ?? 0})` : type })),
    unique_keys: [...keys.values()],
  };
}
