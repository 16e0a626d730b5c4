import { throwIfAborted } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import type { RecordBatch, RecordSchema } from '../../core/records/types.js';
import type { CheckContext, SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { displayName, splitQualifiedName } from '../sql/identifiers.js';
import { bindDefs, bindRows } from './binds.js';
import { NO_RETRY, probeIssues, sinkTargetIssues } from '../sql/checks.js';
import { readTarget } from './catalog.js';
import { closeQuietly, connect, resolveConnection, type OracleSession } from './connection.js';
import { oracleName } from './dialect.js';
import { oracleError } from './errors.js';
import type { OracleSinkOptions } from './schema.js';
import { planFromTarget, type OracleSinkInternal } from './sink-plan.js';

async function plan(options: Record<string, unknown>, schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan> {
  const o = options as OracleSinkOptions;
  const password = resolveConnection(ctx.connection).password;
  const s = await connect(ctx.connection, ctx);
  try {
    const name = splitQualifiedName(o.table);
    return planFromTarget(await readTarget(s, name.schema, name.name), o, schema);
  } catch (err) {
    throw oracleError(err, `planning the load into ${o.table}`, password, ctx.signal);
  } finally {
    await closeQuietly(s);
  }
}

/**
 * DDL first (it commits implicitly), then one transaction (autoCommit off): DELETE for overwrite,
 * executeMany per batch with batchErrors (refused rows → rejects), COMMIT; ROLLBACK on any error.
 */
async function apply(sinkPlan: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  const p = sinkPlan.internal as OracleSinkInternal;
  const password = resolveConnection(ctx.connection).password;
  const s = await connect(ctx.connection, ctx);
  let first = true;
  let inChunk = 0;
  let written = 0;
  try {
    for (const stmt of p.ddl) await s.conn.execute(stmt);
    const start = async (): Promise<void> => {
      if (!first) return;
      first = false;
      for (const stmt of p.prelude) await s.conn.execute(stmt, [], { autoCommit: false });
    };
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      await start();
      for (let from = 0; from < batch.rows.length;) {
        const room = p.commit_every ? p.commit_every - inChunk : Infinity;
        const to = Math.min(batch.rows.length, from + room);
        written += await writeRows(s, p, batch, from, to, ctx);
        inChunk += to - from;
        from = to;
        if (p.commit_every && inChunk >= p.commit_every) {
          throwIfAborted(ctx.signal); // a refused row may have failed the run
          await s.conn.commit();
          inChunk = 0;
        }
      }
      ctx.events({ type: 'batch.written', stage: ctx.stage, rows: batch.rows.length, total: written });
    }
    throwIfAborted(ctx.signal);
    await start();
    await s.conn.commit();
    return { rows_written: written, target: sinkPlan.target };
  } catch (err) {
    await s.conn.rollback().catch(() => {});
    throw oracleError(err, `loading into ${sinkPlan.target}`, password, ctx.signal);
  } finally {
    await closeQuietly(s);
  }
}

/** One executeMany; rows the database refused come back in batchErrors and are rejected. */
async function writeRows(s: OracleSession, p: OracleSinkInternal, batch: RecordBatch, from: number, to: number, ctx: SinkContext): Promise<number> {
  if (!p.dml || to <= from) return p.dml ? 0 : to - from;
  const binds = bindRows(p.columns, batch.rows, from, to);
  const result = await s.conn.executeMany(p.dml, binds, { autoCommit: false, batchErrors: true, bindDefs: bindDefs(s.db, p.columns, binds) });
  const errors = result.batchErrors ?? [];
  for (const e of errors) {
    const index = from + e.offset;
    const position = batch.origin?.[index];
    ctx.reject({ record: batch.rows[index]!, reason: `refused by the database: ${e.message.split('\n')[0]}`, rule: 'database', ...(position ? { position } : {}) });
  }
  return to - from - errors.length;
}

/** validate --connections: the target exists or may be created; upsert has its unique key. */
async function check(options: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const o = options as OracleSinkOptions;
  let s: OracleSession | undefined;
  return probeIssues(ctx, 'E_ORACLE', (err) => oracleError(err, `checking ${o.table}`, ctx.connection?.password as string | undefined), async () => {
    try {
      s = await connect(ctx.connection, { signal: ctx.signal, retry: NO_RETRY });
      const name = splitQualifiedName(o.table);
      const info = await readTarget(s, name.schema, name.name);
      return sinkTargetIssues(ctx, 'E_ORACLE', displayName(name), info, { ...o, ...(o.key ? { key: o.key.map(oracleName) } : {}) });
    } finally {
      await closeQuietly(s);
    }
  });
}

export const oracleSink: SinkRuntime = { plan, apply, check };
