import type { Column } from '../../core/records/types.js';
import { oracleNativeType, quoteOracleIdent as q } from './dialect.js';

/** The SQL an oracle sink run executes: quoted identifiers, values only as `:n` binds. */
const cols = (names: readonly string[]): string => names.map(q).join(', ');

const TS = "'YYYY-MM-DD HH24:MI:SS.FF'";

/** The bind expression for a column: dates and timestamps arrive as UTC text (see binds.ts). */
export function valueExpr(column: Column, placeholder: string): string {
  switch (column.type) {
    case 'date': return `TO_DATE(${placeholder}, 'YYYY-MM-DD')`;
    case 'timestamp': return column.with_zone
      ? `FROM_TZ(TO_TIMESTAMP(${placeholder}, ${TS}), 'UTC')`
      : `TO_TIMESTAMP(${placeholder}, ${TS})`;
    default: return placeholder;
  }
}

export function createTableSql(table: string, columns: readonly Column[], key?: readonly string[]): string {
  const keyed = new Set(key ?? []);
  const defs = columns.map((c) => `${q(c.name)} ${oracleNativeType(c, keyed.has(c.name))}${keyed.has(c.name) ? ' NOT NULL' : ''}`);
  if (key && key.length > 0) defs.push(`PRIMARY KEY (${cols(key)})`);
  return `CREATE TABLE ${table} (${defs.join(', ')})`;
}

export function addColumnsSql(table: string, columns: readonly Column[]): string {
  return `ALTER TABLE ${table} ADD (${columns.map((c) => `${q(c.name)} ${oracleNativeType(c)}`).join(', ')})`;
}

/** overwrite: DELETE (transactional) rather than TRUNCATE (DDL, commits implicitly). */
export function deleteAllSql(table: string): string {
  return `DELETE FROM ${table}`;
}

export function insertSql(table: string, columns: readonly Column[]): string {
  const values = columns.map((c, i) => valueExpr(c, `:${i + 1}`));
  return `INSERT INTO ${table} (${cols(columns.map((c) => c.name))}) VALUES (${values.join(', ')})`;
}

/**
 * One MERGE per row (executeMany runs it for each bind row in order, so the last row per key
 * wins). With only key columns there is nothing to update: WHEN NOT MATCHED only.
 */
export function mergeSql(table: string, columns: readonly Column[], key: readonly string[]): string {
  const select = columns.map((c, i) => `${valueExpr(c, `:${i + 1}`)} ${q(c.name)}`).join(', ');
  const on = key.map((k) => `t.${q(k)} = s.${q(k)}`).join(' AND ');
  const updates = columns.filter((c) => !key.includes(c.name)).map((c) => `t.${q(c.name)} = s.${q(c.name)}`);
  const names = columns.map((c) => c.name);
  const matched = updates.length > 0 ? ` WHEN MATCHED THEN UPDATE SET ${updates.join(', ')}` : '';
  return `MERGE INTO ${table} t USING (SELECT ${select} FROM dual) s ON (${on})${matched}`
    + ` WHEN NOT MATCHED THEN INSERT (${cols(names)}) VALUES (${names.map((n) => `s.${q(n)}`).join(', ')})`;
}
