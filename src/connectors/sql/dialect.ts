import type { Column, ColumnType } from '../../core/records/types.js';
import type { IncrementalWindow } from '../define.js';
import { quoteIdent, quoteQualified, splitQualifiedName, type QualifiedName } from './identifiers.js';

/**
 * The small shape a SQL connector describes its database with. Built by composition
 * (`createDialect({...})`), never by subclassing: a connector passes plain functions.
 */
export interface TypeMap {
  /** canonical column → the target's DDL type ('bigint', 'numeric(12,2)', 'timestamptz'). */
  toNative(column: Column): string;
  /** documented canonical → native table, for docs and plans. */
  readonly table: Readonly<Record<ColumnType, string>>;
}

export interface Dialect {
  readonly name: string;
  quoteIdent(name: string): string;
  /** a bind placeholder for the 1-based parameter index: `$1` (postgres) or `?` (sqlite). */
  placeholder(index: number): string;
  readonly types: TypeMap;
  /** splits and quotes a possibly schema-qualified table name. */
  table(text: string): { readonly name: QualifiedName; readonly sql: string };
  /** keyword before a derived table's alias: 'AS ' (default); Oracle allows none (''). */
  readonly subqueryAs?: string;
}

export interface DialectParts {
  readonly name: string;
  readonly placeholder: (index: number) => string;
  readonly types: TypeMap;
  readonly quoteIdent?: (name: string) => string;
  readonly subqueryAs?: string;
}

export function createDialect(parts: DialectParts): Dialect {
  const quote = parts.quoteIdent ?? quoteIdent;
  return {
    name: parts.name,
    quoteIdent: quote,
    placeholder: parts.placeholder,
    types: parts.types,
    ...(parts.subqueryAs !== undefined ? { subqueryAs: parts.subqueryAs } : {}),
    table(text) {
      const name = splitQualifiedName(text);
      const sql = name.schema === undefined ? quote(name.name) : `${quote(name.schema)}.${quote(name.name)}`;
      return { name, sql };
    },
  };
}

/** The base SELECT for a `table:` source with an optional column list. */
export function selectFromTable(dialect: Dialect, table: string, columns?: readonly string[]): string {
  const list = columns && columns.length > 0 ? columns.map((c) => dialect.quoteIdent(c)).join(', ') : '*';
  return `SELECT ${list} FROM ${dialect.table(table).sql}`;
}

export interface BoundQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * Wraps a base query in the incremental window. Bounds are bind parameters numbered after the
 * base query's own parameters; the column is quoted. Rows come back ordered by the column so a
 * watermark can be taken from the last row.
 */
export function incrementalQuery(
  dialect: Dialect,
  base: BoundQuery,
  window: IncrementalWindow | undefined,
): BoundQuery {
  if (!window) return base;
  const col = `src.${dialect.quoteIdent(window.column)}`;
  const params = [...base.params];
  const where: string[] = [];
  if (window.after !== undefined) {
    params.push(window.after);
    where.push(`${col} > ${dialect.placeholder(params.length)}`);
  }
  if (window.until !== undefined) {
    params.push(window.until);
    where.push(`${col} <= ${dialect.placeholder(params.length)}`);
  }
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return { sql: `SELECT * FROM ${subquery(base.sql)} ${dialect.subqueryAs ?? 'AS '}src${filter} ORDER BY ${col}`, params };
}

/** `(<sql>)` for use in FROM: trailing `;` removed, a trailing line comment cannot eat the `)`. */
export function subquery(sql: string): string {
  const body = stripTrailingSemicolon(sql);
  return body.includes('--') ? `(${body}\n)` : `(${body})`;
}

/** A user query ending in `;` cannot be wrapped in a subquery. */
export function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/[\s;]+$/u, '');
}

export { quoteIdent, quoteQualified, splitQualifiedName };
