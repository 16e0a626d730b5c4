import type pg from 'pg';
import { ConnectorError } from '../../core/errors.js';
import type { Column, RecordSchema } from '../../core/records/types.js';
import type { SinkMode, SinkPlan } from '../define.js';
import { displayName, quoteIdent, quoteQualified, splitQualifiedName } from '../sql/identifiers.js';
import { hasUniqueKey, readTarget, type TargetInfo } from './catalog.js';
import { pgTypeMap } from './dialect.js';
import type { PostgresSinkOptions } from './schema.js';
import type { StagedMerge } from './sink-refusals.js';
import * as sql from './sink-sql.js';

/** What apply() needs; kept in SinkPlan.internal. */
export interface PgSinkInternal {
  readonly columns: readonly Column[];
  /** run once, in the first transaction, before any rows. */
  readonly prelude: readonly string[];
  /** per committed chunk: before the COPY, the COPY, after it. */
  readonly before: readonly string[];
  readonly copy: string | undefined;
  readonly after: readonly string[];
  /** upsert: the sorted, deduplicating merge run when a key repeats within the input. */
  readonly merge_fallback?: string;
  /** upsert: the staging table gets an extra input-order column. */
  readonly staged: boolean;
  /** upsert: how to redo the merge in ranges when the target refuses rows. */
  readonly merge_ranges?: StagedMerge;
  readonly commit_every?: number;
}

const STAGING = '_etl_stage';

/** Builds the plan from the input schema and (when it exists) the target's catalog entry. */
export async function buildSinkPlan(client: pg.Client, options: PostgresSinkOptions, schema: RecordSchema): Promise<SinkPlan> {
  const mode: SinkMode = options.mode ?? 'append';
  const name = splitQualifiedName(options.table);
  const table = quoteQualified(name);
  const target = displayName(name);
  const key = options.key ?? [];
  if (mode === 'upsert' && key.length === 0) {
    throw configError('E_PG_UPSERT_KEY', `postgres sink ${target}: mode upsert needs \`key\``, 'add `key: [id]` naming the columns that identify a row');
  }
  const info = await readTarget(client, table, name.schema);
  const { columns, prelude, typeMap } = reconcile(info, options, schema.columns, table, target, key);
  const names = columns.map((c) => c.name);
  for (const k of key) {
    if (mode === 'upsert' && !names.includes(k)) {
      throw configError('E_PG_UPSERT_KEY', `postgres sink ${target}: key column "${k}" is not in the input`, 'key columns must be columns of the rows written');
    }
  }
  if (mode === 'upsert' && info.exists && !hasUniqueKey(info, key)) {
    throw configError('E_PG_NO_UNIQUE_KEY',
      `postgres sink ${target}: upsert needs a unique constraint on (${key.join(', ')}), the table has none`,
      `add one: ALTER TABLE ${table} ADD PRIMARY KEY (${key.map((k) => quoteIdent(k)).join(', ')}) — or CREATE UNIQUE INDEX ON ${table} (…)`);
  }
  const seq = uniqueName('_etl_seq', names);
  const staged = mode === 'upsert';
  const copy = names.length === 0 ? undefined
    : staged ? sql.copySql(quoteIdent(STAGING), [...names, seq]) : sql.copySql(table, names);
  const before = staged ? [sql.stagingSql(STAGING, table, names, seq)] : [];
  const after = staged && copy ? [`SAVEPOINT ${sql.MERGE_SAVEPOINT}`, sql.mergeSql(table, STAGING, names, key, typeMap)] : [];
  const fallback = staged && copy ? sql.mergeDedupedSql(table, STAGING, names, key, seq, typeMap) : undefined;
  const allPrelude = mode === 'overwrite' ? [...prelude, sql.truncateSql(table)] : prelude;
  const internal: PgSinkInternal = {
    columns, prelude: allPrelude, before: copy ? before : [], copy, after, staged,
    ...(fallback ? { merge_fallback: fallback } : {}),
    ...(fallback ? { merge_ranges: { staging: STAGING, seq, columns: names, rangeSql: sql.mergeRangeSql(table, STAGING, names, key, seq, typeMap) } } : {}),
    ...(options.commit_every !== undefined && mode !== 'overwrite' ? { commit_every: options.commit_every } : {}),
  };
  const onRepeat = fallback
    ? [`-- only if a key repeats within the input (SQLSTATE 21000): ROLLBACK TO SAVEPOINT ${sql.MERGE_SAVEPOINT}, then`, fallback]
    : [];
  const statements = ['BEGIN', ...allPrelude, ...internal.before, ...(copy ? [copy] : []), ...after, ...onRepeat, 'COMMIT'];
  return { target, mode, steps: steps(mode, target, internal), statements, type_map: typeMap, internal };
}

function reconcile(info: TargetInfo, options: PostgresSinkOptions, input: readonly Column[], table: string, target: string, key: readonly string[]) {
  const typeMap: Record<string, string> = {};
  if (!info.exists) {
    if (options.create_table === false) {
      throw configError('E_PG_NO_TABLE', `postgres sink: table ${target} does not exist`, 'create it first, or set `create_table: true`');
    }
    const schemaSql = info.schema_exists ? [] : [sql.createSchemaSql(splitQualifiedName(options.table).schema!)];
    for (const c of input) typeMap[c.name] = pgTypeMap.toNative(c);
    const pk = options.mode === 'upsert' ? key : undefined;
    return { columns: input, prelude: [...schemaSql, sql.createTableSql(table, input, pk)], typeMap };
  }
  const existing = new Map(info.columns.map((c) => [c.name, c.type]));
  const added = input.filter((c) => !existing.has(c.name));
  const policy = options.on_schema_change ?? 'fail';
  if (added.length > 0 && policy === 'fail') {
    const list = added.map((c) => c.name).join(', ');
    throw configError('E_PG_SCHEMA_CHANGE', `postgres sink ${target}: the input has columns the table lacks: ${list}`,
      'set `on_schema_change: add_columns` to add them, or `ignore` to drop them from the load');
  }
  const columns = policy === 'ignore' ? input.filter((c) => existing.has(c.name)) : input;
  for (const c of columns) typeMap[c.name] = existing.get(c.name) ?? pgTypeMap.toNative(c);
  const prelude = policy === 'add_columns' && added.length > 0 ? [sql.addColumnsSql(table, added)] : [];
  return { columns, prelude, typeMap };
}

function steps(mode: SinkMode, target: string, p: PgSinkInternal): string[] {
  const tx = p.commit_every ? `one transaction per ${p.commit_every} rows` : 'one transaction';
  const out = [`open ${tx} on ${target}`, ...p.prelude.map((s) => `run: ${s.split(' (')[0]}`)];
  if (mode === 'upsert') out.push('COPY rows into a temporary staging table', `merge into ${target} with INSERT … ON CONFLICT (last row per key wins)`);
  else out.push(`COPY rows into ${target}`);
  out.push('commit (a failure rolls back the open transaction)');
  return out;
}

function uniqueName(base: string, taken: readonly string[]): string {
  let name = base;
  while (taken.includes(name)) name = `_${name}`;
  return name;
}

function configError(code: string, message: string, hint: string): ConnectorError {
  return new ConnectorError(code, message, { kind: 'config', hint });
}
