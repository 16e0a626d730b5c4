import { ConnectorError } from '../../core/errors.js';
import type { Column, RecordSchema } from '../../core/records/types.js';
import type { SinkMode } from '../define.js';
import { quoteIdent } from '../sql/identifiers.js';
import { fold, sameColumns, type TableInfo } from './inspect.js';
import { sqliteTypes } from './types.js';

/** The resolved write: every statement the sink will run, computed before any write. */
export interface SinkLayout {
  readonly table: string;
  readonly mode: SinkMode;
  /** input columns written, in order (after on_schema_change: ignore). */
  readonly columns: readonly Column[];
  /** upsert key (ON CONFLICT target). */
  readonly key?: readonly string[];
  /** DDL and DELETE run once at the start of the transaction, in order. */
  readonly setup: readonly string[];
  /** the single-row INSERT/UPSERT; multi-row statements repeat its VALUES tuple. */
  readonly insert: string;
  readonly rows_per_statement: number;
  readonly type_map: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
}

export interface LayoutOptions {
  readonly table: string;
  readonly mode: SinkMode;
  readonly key?: readonly string[];
  readonly create_table: boolean;
  readonly on_schema_change: 'fail' | 'add_columns' | 'ignore';
}

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER before 3.32 was 999: stay under it everywhere. */
const MAX_PARAMS = 999;
/** Measured: 100 rows per statement ≈ 2x single-row prepared inserts; more gains nothing. */
const MAX_ROWS_PER_STATEMENT = 100;

export function buildLayout(o: LayoutOptions, schema: RecordSchema, existing: TableInfo | undefined): SinkLayout {
  const t = quoteIdent(o.table);
  const key = o.mode === 'upsert' ? requireKey(o, schema) : undefined;
  const setup: string[] = [];
  const warnings: string[] = [];
  let columns = [...schema.columns];
  if (!existing) {
    if (!o.create_table) {
      throw new ConnectorError('E_SQLITE_NO_TABLE', `sqlite table ${JSON.stringify(o.table)} does not exist`, {
        hint: 'create it first, or set `create_table: true`',
        kind: 'config',
      });
    }
    if (columns.length > 0) setup.push(createTableSql(t, columns, key));
  } else {
    if (key) requireConflictTarget(o.table, existing, key);
    const known = new Set(existing.columns.map((c) => fold(c.name)));
    const missing = columns.filter((c) => !known.has(fold(c.name)));
    if (missing.length > 0) {
      const names = missing.map((c) => c.name).join(', ');
      if (o.on_schema_change === 'fail') {
        throw new ConnectorError('E_SQLITE_SCHEMA_CHANGE', `sqlite table ${JSON.stringify(o.table)} has no column(s) ${names}`, {
          hint: 'set `on_schema_change: add_columns` to add them, or `ignore` to drop them',
          kind: 'config',
        });
      }
      if (o.on_schema_change === 'add_columns') {
        for (const c of missing) setup.push(`ALTER TABLE ${t} ADD COLUMN ${quoteIdent(c.name)} ${sqliteTypes.toNative(c)}`);
      } else {
        columns = columns.filter((c) => known.has(fold(c.name)));
        warnings.push(`columns not in table ${o.table} are not written: ${names}`);
      }
    }
  }
  if (o.mode === 'overwrite' && existing) setup.push(`DELETE FROM ${t}`);
  const typeMap: Record<string, string> = {};
  for (const c of columns) typeMap[c.name] = nativeOf(c, existing);
  return {
    table: o.table,
    mode: o.mode,
    columns,
    ...(key ? { key } : {}),
    setup,
    insert: columns.length > 0 ? insertSql(t, columns, key, 1) : '',
    rows_per_statement: Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / Math.max(1, columns.length)))),
    type_map: typeMap,
    warnings,
  };
}

function requireKey(o: LayoutOptions, schema: RecordSchema): readonly string[] {
  if (!o.key || o.key.length === 0) {
    throw new ConnectorError('E_SQLITE_UPSERT_KEY', `sqlite sink ${JSON.stringify(o.table)}: mode upsert needs \`key\``, {
      hint: 'add `key: [id]` (the columns that identify a row)',
      kind: 'config',
    });
  }
  const names = new Set(schema.columns.map((c) => fold(c.name)));
  const absent = o.key.filter((k) => !names.has(fold(k)));
  if (absent.length > 0 && schema.columns.length > 0) {
    throw new ConnectorError('E_SQLITE_UPSERT_KEY', `upsert key column(s) ${absent.join(', ')} are not in the input`, {
      hint: `the input has: ${schema.columns.map((c) => c.name).join(', ')}`,
      kind: 'config',
    });
  }
  return o.key;
}

/** ON CONFLICT needs a PRIMARY KEY or UNIQUE index on exactly the key; never fall back to append. */
function requireConflictTarget(table: string, existing: TableInfo, key: readonly string[]): void {
  if (existing.unique_keys.some((k) => sameColumns(k, key))) return;
  const cols = key.map(quoteIdent).join(', ');
  throw new ConnectorError(
    'E_SQLITE_UPSERT_CONSTRAINT',
    `sqlite table ${JSON.stringify(table)} has no PRIMARY KEY or UNIQUE index on (${key.join(', ')}), so it cannot be upserted`,
    {
      hint: `add one: CREATE UNIQUE INDEX ${quoteIdent(`${table}_${key.join('_')}_key`)} ON ${quoteIdent(table)} (${cols})`,
      kind: 'config',
    },
  );
}

function createTableSql(t: string, columns: readonly Column[], key: readonly string[] | undefined): string {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${sqliteTypes.toNative(c)}${key && isKey(c.name, key) ? ' NOT NULL' : ''}`);
  if (key) defs.push(`PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${t} (${defs.join(', ')})`;
}

function isKey(name: string, key: readonly string[]): boolean {
  return key.some((k) => fold(k) === fold(name));
}

/** The INSERT/UPSERT for `rows` rows of the layout. */
export function insertFor(layout: SinkLayout, rows: number): string {
  return insertSql(quoteIdent(layout.table), layout.columns, layout.key, rows);
}

/** `INSERT INTO t (a, b) VALUES (?, ?), …` plus the upsert clause. */
export function insertSql(t: string, columns: readonly Column[], key: readonly string[] | undefined, rows: number): string {
  const names = columns.map((c) => quoteIdent(c.name));
  const tuple = `(${names.map(() => '?').join(', ')})`;
  const values = Array.from({ length: rows }, () => tuple).join(', ');
  let sql = `INSERT INTO ${t} (${names.join(', ')}) VALUES ${values}`;
  if (key) {
    const updates = columns.filter((c) => !isKey(c.name, key)).map((c) => `${quoteIdent(c.name)} = excluded.${quoteIdent(c.name)}`);
    const target = key.map(quoteIdent).join(', ');
    sql += updates.length > 0 ? ` ON CONFLICT (${target}) DO UPDATE SET ${updates.join(', ')}` : ` ON CONFLICT (${target}) DO NOTHING`;
  }
  return sql;
}

function nativeOf(c: Column, existing: TableInfo | undefined): string {
  const found = existing?.columns.find((e) => fold(e.name) === fold(c.name));
  return found ? found.type || '(no type)' : sqliteTypes.toNative(c);
}
