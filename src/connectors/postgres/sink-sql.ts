import type { Column } from '../../core/records/types.js';
import { quoteIdent } from '../sql/identifiers.js';
import { pgTypeMap } from './dialect.js';

/** The SQL a sink run executes, built from quoted identifiers only (values never enter SQL). */
const cols = (names: readonly string[]): string => names.map(quoteIdent).join(', ');

export function createSchemaSql(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`;
}

export function createTableSql(table: string, columns: readonly Column[], key?: readonly string[]): string {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${pgTypeMap.toNative(c)}`);
  if (key && key.length > 0) defs.push(`PRIMARY KEY (${cols(key)})`);
  return `CREATE TABLE IF NOT EXISTS ${table} (${defs.join(', ')})`;
}

export function addColumnsSql(table: string, columns: readonly Column[]): string {
  return `ALTER TABLE ${table} ${columns.map((c) => `ADD COLUMN ${quoteIdent(c.name)} ${pgTypeMap.toNative(c)}`).join(', ')}`;
}

export function copySql(table: string, names: readonly string[]): string {
  return `COPY ${table} (${cols(names)}) FROM STDIN WITH (FORMAT csv)`;
}

export function truncateSql(table: string): string {
  return `TRUNCATE ${table}`;
}

/** staging: same column types as the target, no constraints or defaults, plus an input-order column. */
export function stagingSql(staging: string, table: string, names: readonly string[], seq: string): string {
  return `CREATE TEMP TABLE ${quoteIdent(staging)} ON COMMIT DROP AS SELECT ${cols(names)}, 0::bigint AS ${quoteIdent(seq)} FROM ${table} WITH NO DATA`;
}

/**
 * Merges staging into the target. DISTINCT ON keeps the last row per key (highest input
 * sequence), so duplicate keys in one batch cannot hit "cannot affect row a second time".
 */
export function mergeSql(table: string, staging: string, names: readonly string[], key: readonly string[], seq: string): string {
  const updates = names.filter((n) => !key.includes(n));
  const action = updates.length === 0
    ? 'DO NOTHING'
    : `DO UPDATE SET ${updates.map((n) => `${quoteIdent(n)} = EXCLUDED.${quoteIdent(n)}`).join(', ')}`;
  return `INSERT INTO ${table} (${cols(names)}) SELECT ${cols(names)} FROM (SELECT DISTINCT ON (${cols(key)}) * FROM ${quoteIdent(staging)} ORDER BY ${cols(key)}, ${quoteIdent(seq)} DESC) AS s ON CONFLICT (${cols(key)}) ${action}`;
}

