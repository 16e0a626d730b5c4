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

/** The ON CONFLICT action: update every non-key column, or nothing when all columns are key. */
function conflictAction(names: readonly string[], key: readonly string[]): string {
  const updates = names.filter((n) => !key.includes(n));
  return updates.length === 0
    ? 'DO NOTHING'
    : `DO UPDATE SET ${updates.map((n) => `${quoteIdent(n)} = EXCLUDED.${quoteIdent(n)}`).join(', ')}`;
}

/**
 * Merges staging into the target without sorting: the common case, where no key repeats
 * within the input. A repeated key makes PostgreSQL raise SQLSTATE 21000 ("cannot affect row
 * a second time"); the sink then rolls back to a savepoint and runs `mergeDedupedSql`.
 */
export function mergeSql(table: string, staging: string, names: readonly string[], key: readonly string[]): string {
  return `INSERT INTO ${table} (${cols(names)}) SELECT ${cols(names)} FROM ${quoteIdent(staging)} ON CONFLICT (${cols(key)}) ${conflictAction(names, key)}`;
}

/** The same merge keeping only the last row per key (highest input sequence): DISTINCT ON sorts. */
export function mergeDedupedSql(table: string, staging: string, names: readonly string[], key: readonly string[], seq: string): string {
  return `INSERT INTO ${table} (${cols(names)}) SELECT ${cols(names)} FROM (SELECT DISTINCT ON (${cols(key)}) * FROM ${quoteIdent(staging)} ORDER BY ${cols(key)}, ${quoteIdent(seq)} DESC) AS s ON CONFLICT (${cols(key)}) ${conflictAction(names, key)}`;
}

export const MERGE_SAVEPOINT = 'etl_cli_merge';
