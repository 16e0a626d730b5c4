import type { Connection, RowDataPacket } from 'mysql2/promise';
import { ConnectorError } from '../../core/errors.js';
import type { Column, RecordSchema } from '../../core/records/types.js';
import type { SinkMode, SinkPlan } from '../define.js';
import { displayName, splitQualifiedName } from '../sql/identifiers.js';
import { checkKeyColumns, reconcileTarget, requireUpsertKey, transactionalSteps } from '../sql/reconcile.js';
import { hasUniqueKey, readTarget, type MysqlTargetInfo } from './catalog.js';
import { serverInfo, supportsInsertAlias } from './connection.js';
import { mysqlDialect, mysqlNativeType } from './dialect.js';
import type { MysqlSinkOptions } from './schema.js';
import * as sql from './sink-sql.js';

/** Rows per multi-row INSERT (measured: see the docs); also capped at STATEMENT_BYTES of SQL. */
export const ROWS_PER_STATEMENT = 1000;
export const STATEMENT_BYTES = 4 * 1024 * 1024;

/** What apply() needs; kept in SinkPlan.internal. */
export interface MysqlSinkInternal {
  readonly columns: readonly Column[];
  /** DDL, run before the transaction (DDL commits implicitly in MySQL). */
  readonly ddl: readonly string[];
  /** run first inside the (first) transaction: DELETE for overwrite. */
  readonly prelude: readonly string[];
  readonly insert_prefix: string;
  readonly insert_suffix: string;
  readonly rows_per_statement: number;
  readonly commit_every?: number;
}

const NON_TRANSACTIONAL = /^(myisam|memory|heap|csv|archive|merge|mrg_myisam|blackhole)$/i;

export async function buildSinkPlan(conn: Connection, options: MysqlSinkOptions, schema: RecordSchema): Promise<SinkPlan> {
  const mode: SinkMode = options.mode ?? 'append';
  const name = splitQualifiedName(options.table);
  const table = mysqlDialect.table(options.table).sql;
  const target = displayName(name);
  const label = `mysql sink ${target}`;
  const key = options.key ?? [];
  requireUpsertKey(label, 'E_MYSQL', mode, key);
  const info = await readTarget(conn, name.schema, name.name);
  const r = reconcileTarget({
    label, prefix: 'E_MYSQL', exists: info.exists, existing: info.columns, input: schema.columns,
    ...(options.create_table !== undefined ? { create_table: options.create_table } : {}),
    ...(options.on_schema_change !== undefined ? { on_schema_change: options.on_schema_change } : {}),
    toNative: (c) => mysqlNativeType(c, key.includes(c.name)),
    sameName: (a, b) => a.toLowerCase() === b.toLowerCase(),
  });
  if (mode === 'upsert') checkKeyColumns(label, 'E_MYSQL', key, r.columns);
  checkTarget(info, mode, key, label, table);
  const ddl: string[] = [];
  if (r.create && !info.schema_exists && name.schema !== undefined) ddl.push(sql.createDatabaseSql(name.schema));
  if (r.create) ddl.push(sql.createTableSql(table, r.columns, mode === 'upsert' ? key : undefined));
  if (r.added.length > 0) ddl.push(sql.addColumnsSql(table, r.added));
  const names = r.columns.map((c) => c.name);
  const [version] = mode === 'upsert' ? await conn.query<RowDataPacket[]>('SELECT VERSION() AS v') : [[]];
  const alias = mode === 'upsert' && supportsInsertAlias(serverInfo(String(version[0]?.v ?? '')));
  const internal: MysqlSinkInternal = {
    columns: r.columns, ddl,
    prelude: mode === 'overwrite' ? [sql.deleteAllSql(table)] : [],
    insert_prefix: sql.insertPrefix(table, names),
    insert_suffix: mode === 'upsert' ? sql.upsertSuffix(names, key, alias) : '',
    rows_per_statement: ROWS_PER_STATEMENT,
    ...(options.commit_every !== undefined && mode !== 'overwrite' ? { commit_every: options.commit_every } : {}),
  };
  const insert = names.length > 0 ? [sql.insertShape(table, names, internal.insert_suffix, ROWS_PER_STATEMENT)] : [];
  const statements = [...ddl, 'START TRANSACTION', ...internal.prelude, ...insert, 'COMMIT'];
  return { target, mode, steps: steps(mode, target, internal), statements, type_map: r.type_map, internal };
}

/** The existing table can take a transactional load (and an upsert has its unique key). */
function checkTarget(info: MysqlTargetInfo, mode: SinkMode, key: readonly string[], label: string, table: string): void {
  if (info.engine && NON_TRANSACTIONAL.test(info.engine)) {
    throw configError('E_MYSQL_ENGINE', `${label}: the table uses the ${info.engine} engine, which has no transactions`, 'convert it: ALTER TABLE … ENGINE=InnoDB (a failed load could otherwise leave half its rows)');
  }
  if (mode === 'upsert' && info.exists && !hasUniqueKey(info, key)) {
    throw configError('E_MYSQL_NO_UNIQUE_KEY', `${label}: upsert needs a PRIMARY KEY or UNIQUE index on (${key.join(', ')}), the table has none`,
      `add one: ALTER TABLE ${table} ADD PRIMARY KEY (${key.map((k) => mysqlDialect.quoteIdent(k)).join(', ')}) — or ADD UNIQUE (…)`);
  }
}

function steps(mode: SinkMode, target: string, p: MysqlSinkInternal): string[] {
  const write = mode === 'upsert'
    ? `multi-row INSERT … ON DUPLICATE KEY UPDATE, up to ${p.rows_per_statement} rows per statement (last row per key wins)`
    : `multi-row INSERT, up to ${p.rows_per_statement} rows per statement`;
  return transactionalSteps(mode, target, p.ddl, p.commit_every, write,
    'rows the server refuses (too long, duplicate, constraint) are retried one by one and rejected with the server message');
}

function configError(code: string, message: string, hint: string): ConnectorError {
  return new ConnectorError(code, message, { kind: 'config', hint });
}
