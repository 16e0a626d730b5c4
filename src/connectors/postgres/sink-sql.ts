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

/** Types with an equality operator; others (json, xml, geometric…) are compared as text. */
const COMPARABLE = /^(bigint|integer|smallint|text|character varying|varchar|character|char|numeric|decimal|double precision|real|boolean|date|time|timestamp|timestamptz|jsonb|bytea|uuid)\b/;

/**
 * The ON CONFLICT action: update every non-key column, or nothing when all columns are key. The
 * update skips rows whose values are unchanged (a rerun of the same data writes nothing: no dead
 * tuples, no WAL, half the time of the bench's merge), so update triggers only see real changes.
 */
function conflictAction(names: readonly string[], key: readonly string[], types: Readonly<Record<string, string>>): string {
  const updates = names.filter((n) => !key.includes(n));
  if (updates.length === 0) return 'DO NOTHING';
  const side = (prefix: string): string => updates.map((n) => {
    const ref = `${prefix}.${quoteIdent(n)}`;
    return COMPARABLE.test(types[n] ?? '') ? ref : `${ref}::text`;
  }).join(', ');
  return `DO UPDATE SET ${updates.map((n) => `${quoteIdent(n)} = EXCLUDED.${quoteIdent(n)}`).join(', ')} WHERE (${side(TARGET)}) IS DISTINCT FROM (${side('EXCLUDED')})`;
}

/** The alias of the target table in merges, so the update's WHERE can name its current row. */
const TARGET = quoteIdent('_etl_target');

/**
 * Merges staging into the target without sorting: the common case, where no key repeats
 * within the input. A repeated key makes PostgreSQL raise SQLSTATE 21000 ("cannot affect row
 * a second time"); the sink then rolls back to a savepoint and runs `mergeDedupedSql`.
 */
export function mergeSql(table: string, staging: string, names: readonly string[], key: readonly string[], types: Readonly<Record<string, string>>): string {
  return `INSERT INTO ${table} AS ${TARGET} (${cols(names)}) SELECT ${cols(names)} FROM ${quoteIdent(staging)} ON CONFLICT (${cols(key)}) ${conflictAction(names, key, types)}`;
}

/** The same merge keeping only the last row per key (highest input sequence): DISTINCT ON sorts. */
export function mergeDedupedSql(table: string, staging: string, names: readonly string[], key: readonly string[], seq: string, types: Readonly<Record<string, string>>): string {
  return `INSERT INTO ${table} AS ${TARGET} (${cols(names)}) SELECT ${cols(names)} FROM (SELECT DISTINCT ON (${cols(key)}) * FROM ${quoteIdent(staging)} ORDER BY ${cols(key)}, ${quoteIdent(seq)} DESC) AS s ON CONFLICT (${cols(key)}) ${conflictAction(names, key, types)}`;
}

/** The deduplicating merge of the staged rows with sequence numbers BETWEEN $1 AND $2 (refused rows). */
export function mergeRangeSql(table: string, staging: string, names: readonly string[], key: readonly string[], seq: string, types: Readonly<Record<string, string>>): string {
  return `INSERT INTO ${table} AS ${TARGET} (${cols(names)}) SELECT ${cols(names)} FROM (SELECT DISTINCT ON (${cols(key)}) * FROM ${quoteIdent(staging)} WHERE ${quoteIdent(seq)} BETWEEN $1 AND $2 ORDER BY ${cols(key)}, ${quoteIdent(seq)} DESC) AS s ON CONFLICT (${cols(key)}) ${conflictAction(names, key, types)}`;
}

export const MERGE_SAVEPOINT = 'etl_cli_merge';
