import type pg from 'pg';
import Cursor from 'pg-cursor';
import { ConnectorError, throwIfAborted } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import type { Column, RecordBatch, RecordSchema, Row } from '../../core/records/types.js';
import type { CheckContext, SourceContext, SourceDescription, SourceRuntime } from '../define.js';
import { NO_RETRY, probeIssues } from '../sql/checks.js';
import { incrementalQuery, quoteIdent, selectFromTable, subquery, type BoundQuery } from '../sql/dialect.js';
import { partitionBoundsQuery, partitionedSql, readPartitioned } from './partition-read.js';
import { closeQuietly, connect, describeConnection, resolveConnection } from './connection.js';
import { postgresDialect } from './dialect.js';
import { pgError } from './errors.js';
import { canonicalTypes, columnFromField } from './pg-types.js';
import type { PostgresSourceOptions } from './schema.js';

/** The exact SQL and bind parameters read() will run. */
export function sourceQuery(options: PostgresSourceOptions, ctx: Pick<SourceContext, 'incremental'>): BoundQuery {
  if ((options.table === undefined) === (options.query === undefined)) {
    throw new ConnectorError('E_PG_SOURCE_OPTIONS', 'postgres source needs exactly one of `table` or `query`', { kind: 'config' });
  }
  const base: BoundQuery = options.table !== undefined
    ? { sql: selectFromTable(postgresDialect, options.table, options.columns), params: [] }
    : { sql: options.query!, params: options.params ?? [] };
  return incrementalQuery(postgresDialect, base, ctx.incremental);
}

async function* read(raw: Record<string, unknown>, ctx: SourceContext): AsyncIterable<RecordBatch> {
  const options = raw as PostgresSourceOptions;
  if (options.partition && options.partition.count > 1 && options.table !== undefined) {
    yield* readPartitioned(options, ctx, (query, label) => readQuery(query, label, ctx, false));
    return;
  }
  yield* readQuery(sourceQuery(options, ctx), options.table ?? 'query', ctx, true);
}

/**
 * Streams one query through a server-side cursor, `batch_size` rows at a time. The next batch is
 * fetched while the current one flows downstream, so the server and the pipeline work at once.
 */
export async function* readQuery(query: BoundQuery, label: string, ctx: SourceContext, progress: boolean): AsyncGenerator<RecordBatch> {
  const password = resolveConnection(ctx.connection).password;
  const client = await connect(ctx.connection, ctx);
  const cursor = client.query(new Cursor(query.sql, [...query.params], { types: canonicalTypes }));
  const size = Math.max(1, ctx.batch_size);
  const wanted = (read: number): number => (ctx.limit !== undefined ? Math.min(size, ctx.limit - read) : size);
  let total = 0;
  let schema: RecordSchema | undefined;
  let pending: Promise<{ rows: Row[]; fields: pg.FieldDef[] }> | undefined;
  try {
    let want = wanted(0);
    if (want > 0) pending = readBatch(cursor, want);
    while (pending) {
      throwIfAborted(ctx.signal);
      const { rows, fields } = await pending;
      pending = undefined;
      schema ??= { columns: fields.map(columnFromField) };
      if (rows.length === 0) {
        // no rows (e.g. nothing past the watermark): still hand the sinks the schema, so an
        // upsert plans its key instead of failing on an input with no columns
        if (total === 0 && schema.columns.length > 0) yield { schema, rows: [] };
        break;
      }
      total += rows.length;
      const more = rows.length === want;
      want = wanted(total);
      if (more && want > 0) pending = readBatch(cursor, want);
      if (progress) ctx.events({ type: 'batch.read', stage: ctx.stage, rows: rows.length, total });
      yield { schema, rows };
    }
  } catch (err) {
    throw pgError(err, `reading ${label}`, password);
  } finally {
    // a read still in flight (the consumer stopped early) must finish before the cursor closes
    if (pending) await pending.catch(() => undefined);
    await cursor.close().catch(() => {});
    await closeQuietly(client);
  }
}

function readBatch(cursor: Cursor, n: number): Promise<{ rows: Row[]; fields: pg.FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(n, (err, rows) => {
      if (err) reject(err);
      // the fields are known after the first RowDescription, also when no rows come back
      else resolve({ rows: rows as Row[], fields: (cursor as unknown as { _result: pg.QueryResult })._result.fields ?? [] });
    });
  });
}

async function describe(raw: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription> {
  const options = raw as PostgresSourceOptions;
  const query = sourceQuery(options, ctx);
  const where = ctx.connection ? describeConnection(resolveConnection(ctx.connection)) : 'postgres';
  const params = query.params.length > 0 ? ` with params ${JSON.stringify(query.params)}` : '';
  if (options.partition && options.partition.count > 1 && options.table !== undefined) {
    const p = options.partition;
    const bounds = partitionBoundsQuery(options, ctx);
    return {
      summary: `postgres ${where}: ${options.table} in up to ${p.count} ranges of ${p.column}, read in parallel (unordered)${params}`,
      statements: [bounds.sql, `${partitionedSql(options, ctx)} -- once per range`],
    };
  }
  return { summary: `postgres ${where}: ${options.table ?? 'query'}${params}`, statements: [query.sql] };
}

/** validate --connections: the query prepares (so the table and columns exist) without reading rows. */
async function check(raw: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const options = raw as PostgresSourceOptions;
  let client: pg.Client | undefined;
  const wrap = (err: unknown): Error => pgError(err, `checking ${options.table ?? 'query'}`, ctx.connection?.password as string | undefined);
  return probeIssues(ctx, 'E_PG', wrap, async () => {
    try {
      const query = sourceQuery(options, {});
      client = await connect(ctx.connection, { signal: ctx.signal, retry: NO_RETRY });
      await client.query({ text: `SELECT * FROM ${subquery(query.sql)} AS src LIMIT 0`, values: [...query.params] });
    } finally {
      await closeQuietly(client);
    }
  });
}

/** `streams:` patterns: every table and view outside the system schemas, as `schema.table`. */
async function listTables(_raw: Record<string, unknown>, ctx: SourceContext): Promise<string[]> {
  const client = await connect(ctx.connection, ctx);
  try {
    const res = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg\\_%'
        ORDER BY 1, 2`,
    );
    return res.rows.map((r) => `${namePart(r.schema)}.${namePart(r.name)}`);
  } catch (err) {
    throw pgError(err, 'listing tables', resolveConnection(ctx.connection).password);
  } finally {
    await closeQuietly(client);
  }
}

/** A name part as `table:` reads it back: quoted only when a dot or a quote would split it wrongly. */
function namePart(name: string): string {
  return /[."]/.test(name) ? quoteIdent(name) : name;
}

export const postgresSource: SourceRuntime = { read, describe, check, listTables };
export type { Column };
