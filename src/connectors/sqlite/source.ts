import { throwIfAborted } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import type { Column, RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import type { CheckContext, SourceContext, SourceRuntime } from '../define.js';
import { dbExists, openDb, resolveDb, sqliteError, type ResolvedDb } from './connection.js';
import { yieldToEventLoop, type SqliteRow } from './driver.js';
import { fold, inspectTable } from './inspect.js';
import { buildSourceQuery, type QueryOptions, type SourceQuery } from './query.js';
import { inferType, readValue, ValueMismatch } from './types.js';

function queryOptions(options: Record<string, unknown>): QueryOptions {
  return {
    ...(typeof options.table === 'string' ? { table: options.table } : {}),
    ...(typeof options.query === 'string' ? { query: options.query } : {}),
    ...(Array.isArray(options.params) ? { params: options.params as QueryOptions['params'] & object } : {}),
  };
}

function what(o: QueryOptions): string {
  return o.table !== undefined ? `table ${JSON.stringify(o.table)}` : 'query';
}

export const sqliteSource: SourceRuntime = {
  read(options, ctx) {
    return readRows(resolveDb(options, ctx.connection, ctx.pipeline.dir), queryOptions(options), ctx);
  },

  async describe(options, ctx) {
    const db = resolveDb(options, ctx.connection, ctx.pipeline.dir);
    const o = queryOptions(options);
    let q: SourceQuery;
    if (dbExists(db)) {
      const handle = await openDb(db, { write: false, mustExist: true });
      try {
        q = buildSourceQuery(o, ctx.incremental, handle);
      } finally {
        handle.close();
      }
    } else {
      q = buildSourceQuery(o, ctx.incremental);
    }
    return { summary: `sqlite ${db.display}: ${q.sql.replace(/\s+/g, ' ')}`, statements: [q.sql] };
  },

  async check(options, ctx) {
    return checkSource(resolveDb(options, ctx.connection, ctx.pipeline.dir), queryOptions(options), ctx);
  },

  /** `streams:` patterns: the database's tables and views (sqlite_* internals left out). */
  async listTables(options, ctx) {
    const db = resolveDb(options, ctx.connection, ctx.pipeline.dir);
    const handle = await openDb(db, { write: false, mustExist: true });
    try {
      const rows = handle.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all([]);
      return rows.map((r) => String(r.name));
    } catch (err) {
      throw sqliteError(err, `sqlite ${db.display}: cannot list tables`);
    } finally {
      handle.close();
    }
  },
};

async function* readRows(db: ResolvedDb, o: QueryOptions, ctx: SourceContext): AsyncGenerator<RecordBatch> {
  throwIfAborted(ctx.signal);
  const handle = await openDb(db, { write: false, mustExist: true });
  let rows: IterableIterator<SqliteRow> | undefined;
  try {
    let q: SourceQuery;
    try {
      q = buildSourceQuery(o, ctx.incremental, handle);
      rows = handle.prepare(q.sql).iterate(q.params);
    } catch (err) {
      throw sqliteError(err, `sqlite ${db.display}: cannot read ${what(o)}`, 'check the table name or the query');
    }
    let schema: RecordSchema | undefined;
    let seen = 0;
    const limit = ctx.limit ?? Number.POSITIVE_INFINITY;
    while (seen < limit) {
      const raw = takeBatch(rows, Math.min(ctx.batch_size, limit - seen), db, o);
      if (raw.length === 0) break;
      schema ??= schemaOf(raw, q.declared);
      const batch = convert(raw, schema, seen, ctx);
      seen += raw.length;
      yield batch;
      throwIfAborted(ctx.signal);
      await yieldToEventLoop();
    }
    // no rows: one empty batch still tells the sinks the columns (an overwrite can create/clear)
    if (seen === 0 && q.names) yield { schema: emptySchema(q), rows: [] };
  } finally {
    rows?.return?.();
    handle.close();
  }
}

function takeBatch(rows: IterableIterator<SqliteRow>, size: number, db: ResolvedDb, o: QueryOptions): SqliteRow[] {
  const out: SqliteRow[] = [];
  try {
    while (out.length < size) {
      const next = rows.next();
      if (next.done) break;
      out.push(next.value);
    }
  } catch (err) {
    throw sqliteError(err, `sqlite ${db.display}: reading ${what(o)} failed`);
  }
  return out;
}

/** Declared types where the result column maps to a table column; values decide the rest. */
function schemaOf(raw: readonly SqliteRow[], declared: ReadonlyMap<string, Column>): RecordSchema {
  const names = Object.keys(raw[0] ?? {});
  const columns = names.map((name): Column => declared.get(fold(name)) ?? { name, type: inferType(raw.map((r) => r[name])) });
  return { columns: columns.map((c, i) => (c.name === names[i] ? c : { ...c, name: names[i]! })) };
}

function emptySchema(q: SourceQuery): RecordSchema {
  return { columns: (q.names ?? []).map((name): Column => q.declared.get(fold(name)) ?? { name, type: 'string' }) };
}

function convert(raw: readonly SqliteRow[], schema: RecordSchema, offset: number, ctx: SourceContext): RecordBatch {
  const rows: Row[] = [];
  const origin: SourcePosition[] = [];
  raw.forEach((r, i) => {
    const position: SourcePosition = { row: offset + i + 1 };
    const row: Row = {};
    for (const c of schema.columns) {
      try {
        row[c.name] = readValue(r[c.name], c);
      } catch (err) {
        if (!(err instanceof ValueMismatch)) throw err;
        ctx.reject({ record: r as Row, reason: `column ${c.name} (${c.type}): ${err.message}`, column: c.name, position });
        return;
      }
    }
    rows.push(row);
    origin.push(position);
  });
  return { schema, rows, origin };
}

async function checkSource(db: ResolvedDb, o: QueryOptions, ctx: CheckContext): Promise<readonly Issue[]> {
  const field = o.table !== undefined ? 'table' : 'query';
  let handle;
  try {
    handle = await openDb(db, { write: false, mustExist: true });
  } catch (err) {
    const e = err as { code?: string; message: string; hint?: string };
    return [ctx.issue(`${ctx.path}/path`, e.code ?? 'E_SQLITE', e.message, e.hint)];
  }
  try {
    if (o.table !== undefined && !inspectTable(handle, o.table)) {
      return [ctx.issue(`${ctx.path}/table`, 'E_SQLITE_NO_TABLE', `sqlite table ${JSON.stringify(o.table)} does not exist in ${db.display}`, 'check the name (it is taken literally, with its case and dots)')];
    }
    buildSourceQuery(o, undefined, handle);
    return [];
  } catch (err) {
    return [ctx.issue(`${ctx.path}/${field}`, 'E_SQLITE', `sqlite ${what(o)} does not prepare: ${(err as Error).message}`, 'fix the SQL')];
  } finally {
    handle.close();
  }
}
