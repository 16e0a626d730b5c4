import type { Metadata } from 'oracledb';
import { ConnectorError, throwIfAborted } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import type { RecordBatch, RecordSchema, Row, Value } from '../../core/records/types.js';
import type { CheckContext, SourceContext, SourceDescription, SourceRuntime } from '../define.js';
import { subquery } from '../sql/dialect.js';
import { NO_RETRY, probeIssues } from '../sql/checks.js';
import { boundsQuery, rangeQueries, splitRange } from '../sql/partition.js';
import { closeQuietly, connect, describeConnection, resolveConnection, type OracleSession } from './connection.js';
import { oracleError } from './errors.js';
import { baseQuery, dialectFor, sourceQuery, toBinds, type OracleQuery } from './query.js';
import type { OracleSourceOptions } from './schema.js';
import { columnFromMetadata, fetchTypeHandler } from './types.js';

/** The statements a read runs: one, or MIN/MAX then one per key range (and NULL keys). */
async function statements(options: OracleSourceOptions, ctx: SourceContext, s: OracleSession): Promise<OracleQuery[]> {
  if (!options.partition) return [sourceQuery(options, ctx.incremental)];
  if (ctx.incremental) {
    throw new ConnectorError('E_ORACLE_PARTITION_INCREMENTAL', 'oracle: `partition` cannot be combined with `incremental`', { kind: 'config', hint: 'the watermark needs one ordered read: remove `partition`' });
  }
  const base = baseQuery(options);
  const dialect = dialectFor(base.named !== undefined);
  const bounds = toBinds(boundsQuery(dialect, base, options.partition.column), base.named);
  const result = await s.conn.execute(bounds.sql, bounds.binds, { outFormat: s.db.OUT_FORMAT_ARRAY, fetchTypeHandler: fetchTypeHandler(s.db) });
  const [lo, hi] = (result.rows?.[0] ?? [null, null]).map(keyValue);
  const ranges = lo === undefined || hi === undefined ? [] : splitRange(lo, hi, options.partition.count);
  return rangeQueries(dialect, base, options.partition.column, ranges).map((q) => toBinds(q, base.named));
}

function keyValue(v: unknown): number | bigint | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  const text = String(v);
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(Number(text)) ? Number(text) : BigInt(text);
  const n = Number(text);
  if (!Number.isFinite(n)) throw new ConnectorError('E_ORACLE_PARTITION_COLUMN', `oracle: partition column values must be numeric (got "${text}")`, { kind: 'config' });
  return n;
}

/** Streams each statement through a result set, `batch_size` rows per getRows() round trip. */
async function* read(raw: Record<string, unknown>, ctx: SourceContext): AsyncIterable<RecordBatch> {
  const options = raw as OracleSourceOptions;
  const password = resolveConnection(ctx.connection).password;
  const s = await connect(ctx.connection, ctx);
  const size = Math.max(1, ctx.batch_size);
  let total = 0;
  let schema: RecordSchema | undefined;
  try {
    for (const q of await statements(options, ctx, s)) {
      const result = await s.conn.execute(q.sql, q.binds, {
        resultSet: true, outFormat: s.db.OUT_FORMAT_ARRAY, fetchArraySize: Math.min(size, 10_000), fetchTypeHandler: fetchTypeHandler(s.db),
      });
      const rs = result.resultSet!;
      try {
        schema ??= { columns: rs.metaData.map(columnFromMetadata) };
        for (;;) {
          throwIfAborted(ctx.signal);
          const want = ctx.limit !== undefined ? Math.min(size, ctx.limit - total) : size;
          if (want <= 0) return;
          const rows = await rs.getRows(want);
          if (rows.length === 0) break;
          total += rows.length;
          ctx.events({ type: 'batch.read', stage: ctx.stage, rows: rows.length, total });
          yield { schema, rows: rows.map(toRow(rs.metaData)) };
          if (rows.length < want) break;
        }
      } finally {
        await rs.close().catch(() => {});
      }
    }
  } catch (err) {
    throw oracleError(err, `reading ${options.table ?? 'query'}`, password, ctx.signal);
  } finally {
    await closeQuietly(s);
  }
}

function toRow(meta: readonly Metadata[]): (values: unknown[]) => Row {
  return (values) => {
    const row: Record<string, Value> = {};
    for (let i = 0; i < meta.length; i++) row[meta[i]!.name] = (values[i] ?? null) as Value;
    return row;
  };
}

async function describe(raw: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription> {
  const options = raw as OracleSourceOptions;
  const where = ctx.connection ? describeConnection(resolveConnection(ctx.connection)) : 'oracle';
  const q = sourceQuery(options, ctx.incremental);
  const binds = (Array.isArray(q.binds) ? q.binds.length : Object.keys(q.binds).length) > 0 ? ` with binds ${JSON.stringify(q.binds)}` : '';
  const parts = options.partition ? ` in ${options.partition.count} ranges of ${options.partition.column} (read one after another)` : '';
  return { summary: `oracle ${where}: ${options.table ?? 'query'}${binds}${parts}`, statements: [q.sql] };
}

/** validate --connections: the statement parses and its objects exist (no rows are fetched). */
async function check(raw: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const options = raw as OracleSourceOptions;
  let s: OracleSession | undefined;
  return probeIssues(ctx, 'E_ORACLE', (err) => oracleError(err, `checking ${options.table ?? 'query'}`, ctx.connection?.password as string | undefined), async () => {
    try {
      const q = sourceQuery(options, undefined);
      s = await connect(ctx.connection, { signal: ctx.signal, retry: NO_RETRY });
      await s.conn.execute(`SELECT * FROM ${subquery(q.sql)} src WHERE 1 = 0`, q.binds);
    } finally {
      await closeQuietly(s);
    }
  });
}

export const oracleSource: SourceRuntime = { read, describe, check };
