import { ConnectorError } from '../../core/errors.js';
import type { Column } from '../../core/records/types.js';
import type { IncrementalWindow } from '../define.js';
import { quoteIdent, selectFromTable, stripTrailingSemicolon } from '../sql/dialect.js';
import { sqliteDialect } from './dialect.js';
import type { SqliteDatabase, SqliteParam } from './driver.js';
import { fold, inspectTable } from './inspect.js';
import { bindValue, columnFromDeclared } from './types.js';

/** The SELECT a source runs, with its bind parameters and what is known of its columns. */
export interface SourceQuery {
  readonly sql: string;
  readonly params: readonly SqliteParam[];
  /** declared columns by name (folded); a missing entry means "infer from values". */
  readonly declared: ReadonlyMap<string, Column>;
  /** every result column name, when the driver can tell before reading. */
  readonly names?: readonly string[];
}

export interface QueryOptions {
  readonly table?: string;
  readonly query?: string;
  readonly params?: readonly (string | number | boolean | null)[];
}

/**
 * Builds the source SELECT. With an incremental window: rows with column > after (and <= until),
 * ordered by the column. A TIMESTAMP column is compared with SQLite's 'YYYY-MM-DD HH:MM:SS'
 * turned into ISO ('T'), the form the source emits and watermarks are taken from.
 * `db` is optional so dry-run can describe a file that does not exist yet.
 */
export function buildSourceQuery(o: QueryOptions, window: IncrementalWindow | undefined, db?: SqliteDatabase): SourceQuery {
  const base = o.table !== undefined ? selectFromTable(sqliteDialect, o.table) : stripTrailingSemicolon(o.query ?? '');
  const params: SqliteParam[] = o.table !== undefined ? [] : (o.params ?? []).map(bindParam);
  const { declared, names } = db ? declaredColumns(db, o, base) : { declared: new Map<string, Column>(), names: undefined };
  const known = names ? { names } : {};
  if (!window) return { sql: base, params, declared, ...known };
  const col = declared.get(fold(window.column));
  if (db && declared.size > 0 && !col && o.table !== undefined) {
    throw new ConnectorError('E_SQLITE_INCREMENTAL_COLUMN', `incremental column ${window.column} is not a column of ${o.table}`, {
      hint: `columns: ${[...declared.values()].map((c) => c.name).join(', ')}`,
      kind: 'config',
    });
  }
  const from = o.table !== undefined ? base : `SELECT * FROM (\n${base}\n) AS src`;
  const ident = o.table !== undefined ? quoteIdent(window.column) : `src.${quoteIdent(window.column)}`;
  const expr = col?.type === 'timestamp' ? `replace(${ident}, ' ', 'T')` : ident;
  const where: string[] = [];
  if (window.after !== undefined) {
    where.push(`${expr} > ?`);
    params.push(window.after);
  }
  if (window.until !== undefined) {
    where.push(`${expr} <= ?`);
    params.push(window.until);
  }
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return { sql: `${from}${filter} ORDER BY ${expr}`, params, declared, ...known };
}

function bindParam(v: string | number | boolean | null): SqliteParam {
  if (typeof v === 'number') return bindValue(v, Number.isInteger(v) ? 'integer' : 'number');
  return bindValue(v, typeof v === 'boolean' ? 'boolean' : 'string');
}

/** Declared types from the prepared statement, or the table's own (older node:sqlite). */
function declaredColumns(db: SqliteDatabase, o: QueryOptions, base: string): { declared: Map<string, Column>; names?: string[] } {
  const out = new Map<string, Column>();
  const cols = db.prepare(base).columns();
  if (cols) {
    const seen = new Set<string>();
    for (const c of cols) {
      if (seen.has(fold(c.name))) {
        throw new ConnectorError('E_SQLITE_DUPLICATE_COLUMN', `sqlite query returns the column ${c.name} twice`, {
          hint: `give each column its own name: ... AS ${c.name}_2`,
          kind: 'config',
        });
      }
      seen.add(fold(c.name));
      const col = columnFromDeclared(c.name, c.type);
      if (col) out.set(fold(c.name), col);
    }
    return { declared: out, names: cols.map((c) => c.name) };
  }
  if (o.table !== undefined) {
    for (const c of inspectTable(db, o.table)?.columns ?? []) {
      const col = columnFromDeclared(c.name, c.type);
      if (col) out.set(fold(c.name), col);
    }
  }
  return { declared: out };
}
