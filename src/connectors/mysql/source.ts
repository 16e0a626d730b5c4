import type { Connection } from 'mysql2/promise';
import { ConnectorError, throwIfAborted } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import type { RecordBatch, RecordSchema, Row, Value } from '../../core/records/types.js';
import type { CheckContext, IncrementalWindow, SourceContext, SourceDescription, SourceRuntime } from '../define.js';
import { incrementalQuery, selectFromTable, subquery, type BoundQuery } from '../sql/dialect.js';
import { NO_RETRY, probeIssues } from '../sql/checks.js';
import { toUtcDateTime } from '../sql/timestamps.js';
import { closeQuietly, connect, core, describeConnection, resolveConnection } from './connection.js';
import { mysqlDialect } from './dialect.js';
import { mysqlError } from './errors.js';
import type { MysqlSourceOptions } from './schema.js';
import { columnFromField, converterFor, type MysqlField } from './types.js';

const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** Watermarks are canonical ISO text; DATETIME compares with 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC. */
function windowForMysql(window: IncrementalWindow | undefined): IncrementalWindow | undefined {
  if (!window) return undefined;
  const fix = (v: string | undefined): string | undefined => (v !== undefined && ISO_TIMESTAMP.test(v) ? toUtcDateTime(v) : v);
  const after = fix(window.after);
  const until = fix(window.until);
  return { column: window.column, ...(after !== undefined ? { after } : {}), ...(until !== undefined ? { until } : {}) };
}

/** The exact SQL and bind parameters read() will run (`?` placeholders). */
export function sourceQuery(options: MysqlSourceOptions, ctx: Pick<SourceContext, 'incremental'>): BoundQuery {
  if ((options.table === undefined) === (options.query === undefined)) {
    throw new ConnectorError('E_MYSQL_SOURCE_OPTIONS', 'mysql source needs exactly one of `table` or `query`', { kind: 'config' });
  }
  const base: BoundQuery = options.table !== undefined
    ? { sql: selectFromTable(mysqlDialect, options.table, options.columns), params: [] }
    : { sql: options.query!, params: options.params ?? [] };
  return incrementalQuery(mysqlDialect, base, windowForMysql(ctx.incremental));
}

/**
 * Streams the result set: the driver's row stream pauses the socket when its buffer
 * (one batch) is full, so memory stays bounded whatever the table size.
 */
async function* read(raw: Record<string, unknown>, ctx: SourceContext): AsyncIterable<RecordBatch> {
  const options = raw as MysqlSourceOptions;
  const query = sourceQuery(options, ctx);
  const password = resolveConnection(ctx.connection).password;
  const conn = await connect(ctx.connection, ctx);
  const size = Math.max(1, ctx.batch_size);
  let finished = false;
  try {
    const q = core(conn).query({ sql: query.sql, values: [...query.params], rowsAsArray: true });
    let fields: MysqlField[] = [];
    q.on('fields', (f: MysqlField[]) => { fields = f; });
    const stream = q.stream({ highWaterMark: size });
    let schema: RecordSchema | undefined;
    let convert: ((row: unknown[]) => Row) | undefined;
    let rows: Row[] = [];
    let total = 0;
    for await (const row of stream as AsyncIterable<unknown[]>) {
      if (!convert) ({ schema, convert } = rowConverter(fields));
      rows.push(convert(row));
      if (rows.length >= size || (ctx.limit !== undefined && total + rows.length >= ctx.limit)) {
        total += rows.length;
        ctx.events({ type: 'batch.read', stage: ctx.stage, rows: rows.length, total });
        yield { schema: schema!, rows };
        rows = [];
        throwIfAborted(ctx.signal);
        if (ctx.limit !== undefined && total >= ctx.limit) return;
      }
    }
    if (rows.length > 0) {
      total += rows.length;
      ctx.events({ type: 'batch.read', stage: ctx.stage, rows: rows.length, total });
      yield { schema: schema!, rows };
    }
    finished = true;
  } catch (err) {
    throw mysqlError(err, `reading ${options.table ?? 'query'}`, password, ctx.signal);
  } finally {
    // stopping early (limit, abort, error): the rest of the result is still on the wire
    if (finished) await closeQuietly(conn);
    else conn.destroy();
  }
}

function rowConverter(fields: readonly MysqlField[]): { schema: RecordSchema; convert: (row: unknown[]) => Row } {
  const schema: RecordSchema = { columns: fields.map(columnFromField) };
  const names = fields.map((f) => f.name);
  const converters = fields.map(converterFor);
  const convert = (row: unknown[]): Row => {
    const out: Record<string, Value> = {};
    for (let i = 0; i < names.length; i++) out[names[i]!] = converters[i]!(row[i] ?? null);
    return out;
  };
  return { schema, convert };
}

async function describe(raw: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription> {
  const options = raw as MysqlSourceOptions;
  const query = sourceQuery(options, ctx);
  const where = ctx.connection ? describeConnection(resolveConnection(ctx.connection)) : 'mysql';
  const params = query.params.length > 0 ? ` with params ${JSON.stringify(query.params)}` : '';
  return { summary: `mysql ${where}: ${options.table ?? 'query'}${params}`, statements: [query.sql] };
}

/** validate --connections: the query runs with LIMIT 0 (so the table and columns exist). */
async function check(raw: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const options = raw as MysqlSourceOptions;
  let conn: Connection | undefined;
  return probeIssues(ctx, 'E_MYSQL', (err) => mysqlError(err, `checking ${options.table ?? 'query'}`, ctx.connection?.password as string | undefined), async () => {
    try {
      const query = sourceQuery(options, {});
      conn = await connect(ctx.connection, { signal: ctx.signal, retry: NO_RETRY });
      await conn.query(`SELECT * FROM ${subquery(query.sql)} AS src LIMIT 0`, [...query.params]);
    } finally {
      await closeQuietly(conn);
    }
  });
}

export const mysqlSource: SourceRuntime = { read, describe, check };
