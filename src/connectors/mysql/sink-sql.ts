import type { Column } from '../../core/records/types.js';
import { mysqlNativeType, quoteMysqlIdent as q } from './dialect.js';

/** The SQL a mysql sink run executes, built from quoted identifiers; values are escaped literals. */
const cols = (names: readonly string[]): string => names.map(q).join(', ');

export function createDatabaseSql(database: string): string {
  return `CREATE DATABASE IF NOT EXISTS ${q(database)} CHARACTER SET utf8mb4`;
}

/** InnoDB is required: the load's transaction (and statement rollback on refused rows) rely on it. */
export function createTableSql(table: string, columns: readonly Column[], key?: readonly string[]): string {
  const keyed = new Set(key ?? []);
  const defs = columns.map((c) => `${q(c.name)} ${mysqlNativeType(c, keyed.has(c.name))}${keyed.has(c.name) ? ' NOT NULL' : ''}`);
  if (key && key.length > 0) defs.push(`PRIMARY KEY (${cols(key)})`);
  return `CREATE TABLE IF NOT EXISTS ${table} (${defs.join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
}

export function addColumnsSql(table: string, columns: readonly Column[]): string {
  return `ALTER TABLE ${table} ${columns.map((c) => `ADD COLUMN ${q(c.name)} ${mysqlNativeType(c)}`).join(', ')}`;
}

/** overwrite: DELETE (transactional) rather than TRUNCATE (an implicit commit in MySQL). */
export function deleteAllSql(table: string): string {
  return `DELETE FROM ${table}`;
}

export function insertPrefix(table: string, names: readonly string[]): string {
  return `INSERT INTO ${table} (${cols(names)}) VALUES `;
}

/**
 * `ON DUPLICATE KEY UPDATE` for upsert. MySQL 8.0.19+ gets the row-alias form (VALUES() is
 * deprecated there); MariaDB only has VALUES(). With only key columns the update is a no-op.
 */
export function upsertSuffix(names: readonly string[], key: readonly string[], alias: boolean): string {
  const updates = names.filter((n) => !key.includes(n));
  const set = updates.length === 0
    ? [`${q(key[0]!)} = ${q(key[0]!)}`]
    : updates.map((n) => `${q(n)} = ${alias ? `_etl_new.${q(n)}` : `VALUES(${q(n)})`}`);
  return `${alias ? ' AS _etl_new' : ''} ON DUPLICATE KEY UPDATE ${set.join(', ')}`;
}

/** How the plan shows the batched INSERT (the values are literals, one row shown as `(?, …)`). */
export function insertShape(table: string, names: readonly string[], suffix: string, rowsPerStatement: number): string {
  const row = `(${names.map(() => '?').join(', ')})`;
  return `${insertPrefix(table, names)}${row}, … (up to ${rowsPerStatement} rows per statement)${suffix}`;
}
