import type { TargetInfo } from '../postgres/catalog.js';
import { ConnectorError } from '../../core/errors.js';
import type { Column, RecordSchema } from '../../core/records/types.js';
import type { SinkMode, SinkPlan } from '../define.js';
import { displayName, splitQualifiedName } from '../sql/identifiers.js';
import { checkKeyColumns, reconcileTarget, requireUpsertKey, transactionalSteps } from '../sql/reconcile.js';
import { hasUniqueKey } from './catalog.js';
import { oracleDialect, oracleName, oracleNativeType } from './dialect.js';
import type { OracleSinkOptions } from './schema.js';
import * as sql from './sink-sql.js';

/** What apply() needs; kept in SinkPlan.internal. */
export interface OracleSinkInternal {
  readonly columns: readonly Column[];
  /** DDL, run before the transaction (DDL commits implicitly in Oracle). */
  readonly ddl: readonly string[];
  /** run first inside the transaction: DELETE for overwrite. */
  readonly prelude: readonly string[];
  /** INSERT or MERGE, run with executeMany for each batch. */
  readonly dml: string | undefined;
  readonly commit_every?: number;
}

/** Pure: the plan from the target's dictionary entry (`info`), so it is testable without a server. */
export function planFromTarget(info: TargetInfo, options: OracleSinkOptions, schema: RecordSchema): SinkPlan {
  const mode: SinkMode = options.mode ?? 'append';
  const name = splitQualifiedName(options.table);
  const table = oracleDialect.table(options.table).sql;
  const target = displayName(name);
  const label = `oracle sink ${target}`;
  const key = options.key ?? [];
  requireUpsertKey(label, 'E_ORACLE', mode, key);
  const r = reconcileTarget({
    label, prefix: 'E_ORACLE', exists: info.exists, existing: info.columns, input: schema.columns,
    ...(options.create_table !== undefined ? { create_table: options.create_table } : {}),
    ...(options.on_schema_change !== undefined ? { on_schema_change: options.on_schema_change } : {}),
    toNative: (c) => oracleNativeType(c, key.includes(c.name)),
    sameName: (existing, input) => existing === oracleName(input),
  });
  if (mode === 'upsert') checkKeyColumns(label, 'E_ORACLE', key, r.columns);
  if (mode === 'upsert' && info.exists && !hasUniqueKey(info, key.map(oracleName))) {
    throw configError('E_ORACLE_NO_UNIQUE_KEY', `${label}: upsert needs a primary key or unique index on (${key.join(', ')}), the table has none`,
      `add one: ALTER TABLE ${table} ADD PRIMARY KEY (${key.map((k) => oracleDialect.quoteIdent(k)).join(', ')})`);
  }
  const ddl: string[] = [];
  if (r.create) ddl.push(sql.createTableSql(table, r.columns, mode === 'upsert' ? key : undefined));
  if (r.added.length > 0) ddl.push(sql.addColumnsSql(table, r.added));
  const dml = r.columns.length === 0 ? undefined : mode === 'upsert' ? sql.mergeSql(table, r.columns, key) : sql.insertSql(table, r.columns);
  const internal: OracleSinkInternal = {
    columns: r.columns, ddl, dml,
    prelude: mode === 'overwrite' ? [sql.deleteAllSql(table)] : [],
    ...(options.commit_every !== undefined && mode !== 'overwrite' ? { commit_every: options.commit_every } : {}),
  };
  const statements = [...ddl, ...internal.prelude, ...(dml ? [dml] : []), 'COMMIT'];
  return { target, mode, steps: transactionalSteps(mode, target, ddl, internal.commit_every,
    mode === 'upsert' ? 'MERGE each row with executeMany (last row per key wins)' : 'INSERT rows with executeMany, one call per batch',
    'rows the database refuses (batchErrors) are rejected with their ORA- message'), statements, type_map: r.type_map, internal };
}

function configError(code: string, message: string, hint: string): ConnectorError {
  return new ConnectorError(code, message, { kind: 'config', hint });
}
