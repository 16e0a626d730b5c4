import type { Connection } from 'mysql2/promise';
import { throwIfAborted } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import type { RecordBatch, RecordSchema, Row } from '../../core/records/types.js';
import type { CheckContext, SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { displayName, splitQualifiedName } from '../sql/identifiers.js';
import { probeIssues, NO_RETRY, sinkTargetIssues } from '../sql/checks.js';
import { readTarget } from './catalog.js';
import { closeQuietly, connect, resolveConnection } from './connection.js';
import { classifyMysqlError, mysqlError } from './errors.js';
import type { MysqlSinkOptions } from './schema.js';
import { buildSinkPlan, STATEMENT_BYTES, type MysqlSinkInternal } from './sink-plan.js';
import { encoderFor, type Encoder } from './values.js';

async function plan(options: Record<string, unknown>, schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan> {
  const password = resolveConnection(ctx.connection).password;
  const conn = await connect(ctx.connection, ctx);
  try {
    return await buildSinkPlan(conn, options as MysqlSinkOptions, schema);
  } catch (err) {
    throw mysqlError(err, `planning the load into ${String(options.table)}`, password, ctx.signal);
  } finally {
    await closeQuietly(conn);
  }
}

/**
 * Runs the plan: DDL first (MySQL commits DDL implicitly), then START TRANSACTION → DELETE
 * (overwrite) → multi-row INSERTs → COMMIT, per chunk when commit_every is set. Any error or
 * abort rolls the open transaction back.
 */
async function apply(sinkPlan: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  const p = sinkPlan.internal as MysqlSinkInternal;
  const password = resolveConnection(ctx.connection).password;
  const conn = await connect(ctx.connection, { ...ctx, write: true });
  const writer = new RowWriter(conn, p, ctx);
  let inTx = false;
  let first = true;
  let inChunk = 0;
  let written = 0;
  const begin = async (): Promise<void> => {
    await conn.query('START TRANSACTION');
    inTx = true;
    for (const s of first ? p.prelude : []) await conn.query(s);
    first = false;
    inChunk = 0;
  };
  const commit = async (): Promise<void> => {
    throwIfAborted(ctx.signal);
    await conn.query('COMMIT');
    inTx = false;
  };
  try {
    for (const s of p.ddl) await conn.query(s);
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      for (let from = 0; from < batch.rows.length;) {
        if (!inTx) await begin();
        const room = p.commit_every ? p.commit_every - inChunk : Infinity;
        const to = Math.min(batch.rows.length, from + room);
        written += await writer.write(batch, from, to);
        inChunk += to - from;
        from = to;
        if (p.commit_every && inChunk >= p.commit_every) await commit();
      }
      ctx.events({ type: 'batch.written', stage: ctx.stage, rows: batch.rows.length, total: written });
    }
    throwIfAborted(ctx.signal);
    // with no rows at all the prelude (DELETE for overwrite) still runs and commits
    if (inTx || first) {
      if (!inTx) await begin();
      await commit();
    }
    return { rows_written: written, target: sinkPlan.target };
  } catch (err) {
    if (inTx) await conn.query('ROLLBACK').catch(() => {});
    throw mysqlError(err, `loading into ${sinkPlan.target}`, password, ctx.signal);
  } finally {
    await closeQuietly(conn);
  }
}

/** Turns rows into multi-row INSERTs; isolates and rejects rows the server refuses. */
class RowWriter {
  private readonly encoders: readonly Encoder[];
  private readonly names: readonly string[];

  constructor(private readonly conn: Connection, private readonly p: MysqlSinkInternal, private readonly ctx: SinkContext) {
    this.encoders = p.columns.map(encoderFor);
    this.names = p.columns.map((c) => c.name);
  }

  /** Writes rows [from, to) of the batch; returns how many were written (the rest were rejected). */
  async write(batch: RecordBatch, from: number, to: number): Promise<number> {
    if (this.names.length === 0) return to - from;
    let written = 0;
    let tuples: string[] = [];
    let bytes = 0;
    let start = from;
    for (let i = from; i < to; i++) {
      const tuple = this.tuple(batch.rows[i]!);
      tuples.push(tuple);
      bytes += tuple.length + 2;
      if (tuples.length >= this.p.rows_per_statement || bytes >= STATEMENT_BYTES || i === to - 1) {
        written += await this.flush(batch, start, tuples);
        tuples = [];
        bytes = 0;
        start = i + 1;
      }
    }
    return written;
  }

  private tuple(row: Row): string {
    let out = '(';
    for (let c = 0; c < this.names.length; c++) out += `${c === 0 ? '' : ', '}${this.encoders[c]!(row[this.names[c]!])}`;
    return `${out})`;
  }

  private async flush(batch: RecordBatch, start: number, tuples: readonly string[]): Promise<number> {
    try {
      await this.conn.query(this.p.insert_prefix + tuples.join(', ') + this.p.insert_suffix);
      return tuples.length;
    } catch (err) {
      // InnoDB rolls back just the failed statement; find the refused rows one by one
      if (classifyMysqlError(err) !== 'data') throw err;
      let written = 0;
      for (let k = 0; k < tuples.length; k++) {
        try {
          await this.conn.query(this.p.insert_prefix + tuples[k]! + this.p.insert_suffix);
          written++;
        } catch (rowErr) {
          if (classifyMysqlError(rowErr) !== 'data') throw rowErr;
          this.reject(batch, start + k, rowErr);
        }
      }
      return written;
    }
  }

  private reject(batch: RecordBatch, index: number, err: unknown): void {
    const e = err as { sqlMessage?: string; message?: string; code?: string };
    const reason = `refused by the server: ${e.sqlMessage ?? e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}`;
    const column = /column '([^']+)'/i.exec(reason)?.[1];
    const position = batch.origin?.[index];
    this.ctx.reject({ record: batch.rows[index]!, reason, rule: 'database', ...(column ? { column } : {}), ...(position ? { position } : {}) });
  }
}

/** validate --connections: the target exists or may be created; upsert has its unique key. */
async function check(options: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const o = options as MysqlSinkOptions;
  let conn: Connection | undefined;
  return probeIssues(ctx, 'E_MYSQL', (err) => mysqlError(err, `checking ${o.table}`, ctx.connection?.password as string | undefined), async () => {
    try {
      conn = await connect(ctx.connection, { signal: ctx.signal, retry: NO_RETRY });
      const name = splitQualifiedName(o.table);
      const info = await readTarget(conn, name.schema, name.name);
      return sinkTargetIssues(ctx, 'E_MYSQL', displayName(name), info, o);
    } finally {
      await closeQuietly(conn);
    }
  });
}

export const mysqlSink: SinkRuntime = { plan, apply, check };
