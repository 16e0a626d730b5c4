import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConnectorError, InterruptedError, isAbort, throwIfAborted } from '../../core/errors.js';
import type { Column, RecordBatch, RecordSchema } from '../../core/records/types.js';
import type { SinkContext, SinkMode, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { quoteIdent } from '../sql/identifiers.js';
import { assertWritable, dbExists, MEMORY, openDb, resolveDb, sqliteError, type ResolvedDb } from './connection.js';
import { yieldToEventLoop, type SqliteDatabase } from './driver.js';
import { fold, inspectTable } from './inspect.js';
import { buildLayout, type LayoutOptions, type SinkLayout } from './sink-sql.js';
import { BatchWriter } from './sink-writer.js';
import { sqliteTypes } from './types.js';

interface Internal {
  readonly db: ResolvedDb;
  readonly layout: LayoutOptions;
  readonly schema: RecordSchema;
  readonly commit_every?: number;
}

function layoutOptions(options: Record<string, unknown>): LayoutOptions {
  const key = Array.isArray(options.key) ? options.key.map(String) : undefined;
  return {
    table: String(options.table),
    mode: (options.mode ?? 'append') as SinkMode,
    ...(key ? { key } : {}),
    create_table: options.create_table !== false,
    on_schema_change: (options.on_schema_change ?? 'fail') as LayoutOptions['on_schema_change'],
  };
}

export const sqliteSink: SinkRuntime = {
  async plan(options, schema, ctx) {
    const db = resolveDb(options, ctx.connection, ctx.pipeline.dir);
    assertWritable(db);
    const o = layoutOptions(options);
    const commitEvery = typeof options.commit_every === 'number' ? options.commit_every : undefined;
    const layout = await readLayout(db, o, schema);
    const chunk = commitEvery === undefined ? 'COMMIT' : `COMMIT every ${commitEvery} rows, then BEGIN IMMEDIATE again`;
    const internal: Internal = { db, layout: o, schema, ...(commitEvery !== undefined ? { commit_every: commitEvery } : {}) };
    return {
      target: `${db.display}:${o.table}`,
      mode: o.mode,
      steps: [
        `open ${db.display} (busy_timeout ${db.busy_timeout_ms} ms)`,
        commitEvery === undefined
          ? 'BEGIN IMMEDIATE (one transaction: a failed or interrupted run leaves the table as it was)'
          : `BEGIN IMMEDIATE (a transaction per ${commitEvery} rows: a failed run keeps the chunks committed before it)`,
        ...layout.setup,
        `insert with prepared statements of up to ${layout.rows_per_statement} rows`,
        ...layout.warnings.map((w) => `warning: ${w}`),
        `${chunk} (ROLLBACK on error or abort)`,
      ],
      statements: ['BEGIN IMMEDIATE', ...layout.setup, ...(layout.insert ? [layout.insert] : []), 'COMMIT'],
      type_map: layout.type_map,
      internal,
    } satisfies SinkPlan;
  },

  async apply(plan, input, ctx) {
    const internal = plan.internal as Internal;
    if (internal.db.file !== MEMORY) mkdirSync(dirname(internal.db.file), { recursive: true });
    const handle = await openDb(internal.db, { write: true });
    try {
      const rows = await writeAll(handle, internal, input, ctx);
      return { rows_written: rows, target: plan.target } satisfies WriteResult;
    } finally {
      handle.close();
    }
  },

  async check(options, ctx) {
    try {
      const db = resolveDb(options, ctx.connection, ctx.pipeline.dir);
      assertWritable(db);
      await readLayout(db, layoutOptions(options), { columns: [] });
      return [];
    } catch (err) {
      const e = err as { code?: string; message: string; hint?: string };
      const field = e.code === 'E_SQLITE_UPSERT_CONSTRAINT' ? 'key' : e.code === 'E_SQLITE_NO_TABLE' ? 'table' : 'path';
      return [ctx.issue(`${ctx.path}/${field}`, e.code ?? 'E_SQLITE', e.message, e.hint)];
    }
  },
};

/** The plan looks at the table without creating the file. */
async function readLayout(db: ResolvedDb, o: LayoutOptions, schema: RecordSchema): Promise<SinkLayout> {
  if (!dbExists(db)) return buildLayout(o, schema, undefined);
  const handle = await openDb(db, { write: false, mustExist: true });
  try {
    return buildLayout(o, schema, inspectTable(handle, o.table));
  } finally {
    handle.close();
  }
}

async function writeAll(
  db: SqliteDatabase,
  internal: Internal,
  input: AsyncIterable<RecordBatch>,
  ctx: SinkContext,
): Promise<number> {
  let open = false;
  const begin = (): void => {
    db.exec('BEGIN IMMEDIATE');
    open = true;
  };
  let state: { layout: SinkLayout; writer: BatchWriter; schema: RecordSchema } | undefined;
  // decided inside the transaction (the table may have changed since plan()); an empty planned
  // schema (nothing known before the first batch) waits for the first batch's columns
  const prepare = (schema: RecordSchema): { layout: SinkLayout; writer: BatchWriter; schema: RecordSchema } => {
    const layout = buildLayout(internal.layout, schema, inspectTable(db, internal.layout.table));
    for (const w of layout.warnings) ctx.events({ type: 'warning', stage: ctx.stage, message: w });
    for (const sql of layout.setup) db.exec(sql);
    return { layout, writer: new BatchWriter(db, layout, ctx), schema };
  };
  try {
    throwIfAborted(ctx.signal);
    begin();
    if (internal.schema.columns.length > 0) state = prepare(internal.schema);
    let total = 0;
    let sinceCommit = 0;
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      if (batch.rows.length === 0) continue;
      state ??= prepare(batch.schema);
      const grown = newColumns(batch.schema, state.schema, internal.layout.on_schema_change);
      if (grown) {
        state.layout = addColumns(db, state.layout, grown);
        state.schema = { columns: [...state.schema.columns, ...grown] };
        state.writer.relayout(state.layout);
      }
      const n = state.writer.write(batch);
      total += n;
      sinceCommit += n;
      if (internal.commit_every !== undefined && sinceCommit >= internal.commit_every) {
        throwIfAborted(ctx.signal); // a refused row may have failed the run: never commit after it
        db.exec('COMMIT');
        open = false;
        sinceCommit = 0;
        begin();
      }
      await yieldToEventLoop();
    }
    throwIfAborted(ctx.signal);
    state ??= prepare(internal.schema);
    db.exec('COMMIT');
    open = false;
    return total;
  } catch (err) {
    if (open) rollback(db);
    if (isAbort(err) || ctx.signal.aborted) throw err instanceof InterruptedError ? err : new InterruptedError('interrupted', { cause: err });
    throw sqliteError(err, `writing sqlite table ${JSON.stringify(internal.layout.table)} failed (rolled back)`);
  }
}

function rollback(db: SqliteDatabase): void {
  try {
    db.exec('ROLLBACK');
  } catch {
    // SQLite already rolled back (e.g. after SQLITE_FULL); nothing is left to undo
  }
}

/** Columns that appear in a later batch but not in the schema the layout was built from. */
function newColumns(schema: RecordSchema, known: RecordSchema, policy: LayoutOptions['on_schema_change']): Column[] | undefined {
  const planned = new Set(known.columns.map((c) => fold(c.name)));
  const extra = schema.columns.filter((c) => !planned.has(fold(c.name)));
  if (extra.length === 0 || policy === 'ignore') return undefined;
  if (policy === 'fail') {
    throw new ConnectorError('E_SQLITE_SCHEMA_CHANGE', `new column(s) ${extra.map((c) => c.name).join(', ')} appeared in the input`, {
      hint: 'set `on_schema_change: add_columns` to add them, or `ignore` to drop them',
      kind: 'config',
    });
  }
  return extra;
}

function addColumns(db: SqliteDatabase, layout: SinkLayout, extra: readonly Column[]): SinkLayout {
  const t = quoteIdent(layout.table);
  const present = new Set(inspectTable(db, layout.table)?.columns.map((c) => fold(c.name)) ?? []);
  for (const c of extra) {
    if (!present.has(fold(c.name))) db.exec(`ALTER TABLE ${t} ADD COLUMN ${quoteIdent(c.name)} ${sqliteTypes.toNative(c)}`);
  }
  const columns = [...layout.columns, ...extra];
  return {
    ...layout,
    columns,
    rows_per_statement: Math.max(1, Math.min(100, Math.floor(999 / columns.length))),
  };
}
