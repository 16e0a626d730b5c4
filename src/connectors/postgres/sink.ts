import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ConnectorError, throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, RecordSchema, Row } from '../../core/records/types.js';
import type { Issue } from '../../core/issues.js';
import type { CheckContext, SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { NO_RETRY } from '../sql/checks.js';
import { displayName, quoteQualified, splitQualifiedName } from '../sql/identifiers.js';
import { hasUniqueKey, readTarget } from './catalog.js';
import { closeQuietly, connect, resolveConnection } from './connection.js';
import { readAhead } from '../shared/read-ahead.js';
import { ChunkWriter, createCsvEncoder } from './copy-encoder.js';
import { LongCopy, type CopyStream, type EncodeRows } from './copy-stream.js';
import { pgError } from './errors.js';
import type { PostgresSinkOptions } from './schema.js';
import { buildSinkPlan, type PgSinkInternal } from './sink-plan.js';
import { copyWithRefusals, isRefusal, mergeWithRefusals, type Query } from './sink-refusals.js';
import { MERGE_SAVEPOINT } from './sink-sql.js';

async function plan(options: Record<string, unknown>, schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan> {
  const password = resolveConnection(ctx.connection).password;
  const client = await connect(ctx.connection, ctx);
  try {
    return await buildSinkPlan(client, options as PostgresSinkOptions, schema);
  } catch (err) {
    throw pgError(err, `planning the load into ${String(options.table)}`, password);
  } finally {
    await closeQuietly(client);
  }
}

/** One open transaction: a chunk of the load (the whole run unless commit_every). */
interface OpenChunk {
  rows: number;
}

/**
 * Runs the plan. Each chunk is BEGIN → statements → COPY → merge → COMMIT; any error or abort
 * destroys the COPY (CopyFail) and rolls the chunk back. By default one COPY runs across all
 * batches (fastest; a refused row fails the run). When errors.max_rejects allows refused rows,
 * each batch is its own COPY under a savepoint, so a refused row can be left out
 * (sink-refusals.ts).
 */
async function apply(sinkPlan: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  const p = sinkPlan.internal as PgSinkInternal;
  const password = resolveConnection(ctx.connection).password;
  const client = await connect(ctx.connection, ctx);
  const query: Query = (sql, params) => client.query(sql, params);
  let seq = 0;
  const encoder = createCsvEncoder(p.columns, p.staged ? () => String(++seq) : undefined);
  const encode: EncodeRows = (rows, from, to, firstRow) => {
    seq = firstRow - 1; // the staged input-order column is the load's row number
    return encoder(rows as Row[], from, to);
  };
  const startCopy = (): CopyStream => client.query(copyFrom(p.copy!));
  const long = new LongCopy(startCopy, encode, ctx);
  let batchStream: CopyStream | undefined;
  let open: OpenChunk | undefined;
  let first = true;
  let written = 0;
  let committed = 0;
  let firstRow = 1; // the load's row number of the current batch's first row

  const begin = async (): Promise<OpenChunk> => {
    await query('BEGIN');
    for (const s of first ? p.prelude : []) await query(s);
    first = false;
    for (const s of p.before) await query(s);
    return { rows: 0 };
  };
  const copyBatch = async (rows: readonly Row[], from: number, to: number): Promise<void> => {
    batchStream = startCopy();
    const writer = new ChunkWriter(batchStream);
    try {
      await writer.write(encode(rows, from, to, firstRow + from));
      await writer.end();
    } finally {
      batchStream = undefined; // done, or ended by the server's error
    }
  };
  const load = async (batch: RecordBatch, from: number, to: number): Promise<number> => {
    if (!p.copy) return 0;
    if (ctx.refused_rows === 'reject') return copyWithRefusals(query, ctx, copyBatch, batch, from, to, firstRow + from);
    await long.write(batch, from, to, firstRow + from);
    return 0;
  };
  const commit = async (): Promise<void> => {
    await long.end();
    throwIfAborted(ctx.signal); // a refused row may have failed the run: never commit after it
    written -= await runAfter(query, p, ctx);
    throwIfAborted(ctx.signal);
    await query('COMMIT');
    open = undefined;
    committed = written;
  };

  try {
    // the next batch is read and transformed while the server works on this one
    for await (const batch of readAhead(input)) {
      throwIfAborted(ctx.signal);
      let from = 0;
      while (from < batch.rows.length) {
        open ??= await begin();
        const room = p.commit_every ? p.commit_every - open.rows : Infinity;
        const to = Math.min(batch.rows.length, from + room);
        const refused = await load(batch, from, to);
        open.rows += to - from;
        written += to - from - refused;
        from = to;
        if (p.commit_every && open.rows >= p.commit_every) await commit();
      }
      firstRow += batch.rows.length;
      ctx.events({ type: 'batch.written', stage: ctx.stage, rows: batch.rows.length, total: written });
    }
    throwIfAborted(ctx.signal);
    // with no rows at all the prelude (create, truncate for overwrite) still runs and commits
    if (open || first) {
      open ??= await begin();
      await commit();
    }
    return { rows_written: written, target: sinkPlan.target };
  } catch (err) {
    await rollback(client, long.stream ?? batchStream);
    throw withRow(pgError(err, `loading into ${sinkPlan.target}`, password), committed);
  } finally {
    await closeQuietly(client);
  }
}

async function rollback(client: pg.Client, stream: CopyStream | undefined): Promise<void> {
  if (stream && !stream.destroyed && !stream.writableFinished) {
    // CopyFail makes the server abort the COPY; wait for its answer so the session is usable
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000); // a dead connection never answers
      stream.once('close', () => { clearTimeout(timer); resolve(); });
      stream.destroy(new Error('load aborted'));
    });
  }
  await client.query('ROLLBACK').catch(() => {});
}

/** A COPY error names the line within the chunk; turn it into a row number of the run. */
function withRow(err: Error, offset: number): Error {
  if (!(err instanceof ConnectorError) || err.where?.row !== undefined) return err;
  const line = /COPY [^,]+, line (\d+)/.exec(err.message)?.[1];
  if (!line) return err;
  return new ConnectorError(err.code, err.message, {
    kind: err.kind,
    ...(err.hint ? { hint: err.hint } : {}),
    where: { ...err.where, row: offset + Number(line) },
    cause: err.cause,
  });
}

/** validate --connections: the target exists, or may be created; upsert has its unique key. */
async function check(options: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  let client: pg.Client | undefined;
  const o = options as PostgresSinkOptions;
  try {
    client = await connect(ctx.connection, { signal: ctx.signal, retry: NO_RETRY });
    const name = splitQualifiedName(o.table);
    const info = await readTarget(client, quoteQualified(name), name.schema);
    if (!info.exists && o.create_table === false) {
      return [ctx.issue(`${ctx.path}/table`, 'E_PG_NO_TABLE', `table ${displayName(name)} does not exist`, 'create it first, or set `create_table: true`')];
    }
    if (info.exists && o.mode === 'upsert' && o.key && !hasUniqueKey(info, o.key)) {
      return [ctx.issue(`${ctx.path}/key`, 'E_PG_NO_UNIQUE_KEY', `table ${displayName(name)} has no unique constraint on (${o.key.join(', ')})`, 'add a primary key or unique index on the key columns')];
    }
    return [];
  } catch (err) {
    const e = pgError(err, `checking ${o.table}`, ctx.connection?.password as string | undefined) as ConnectorError;
    return [ctx.issue(ctx.path, e.code ?? 'E_PG', e.message, e.hint)];
  } finally {
    await closeQuietly(client);
  }
}

export const postgresSink: SinkRuntime = { plan, apply, check };

/**
 * Runs the statements after the COPY; returns how many staged rows the target refused. An upsert
 * merge that fails only because a key repeats within the input (SQLSTATE 21000) is rolled back to
 * its savepoint and redone with the deduplicating merge (last row per key wins); one the target
 * refuses a row of is redone in ranges without the refused rows.
 */
async function runAfter(query: Query, p: PgSinkInternal, ctx: SinkContext): Promise<number> {
  try {
    for (const s of p.after) await query(s);
    return 0;
  } catch (err) {
    if (!p.merge_fallback || !p.merge_ranges) throw err;
    if ((err as { code?: string }).code !== '21000') return redoRefused(query, p, ctx, err);
    await query(`ROLLBACK TO SAVEPOINT ${MERGE_SAVEPOINT}`);
    try {
      await query(p.merge_fallback);
      return 0;
    } catch (again) {
      return redoRefused(query, p, ctx, again);
    }
  }
}

async function redoRefused(query: Query, p: PgSinkInternal, ctx: SinkContext, err: unknown): Promise<number> {
  if (!isRefusal(err)) throw err;
  await query(`ROLLBACK TO SAVEPOINT ${MERGE_SAVEPOINT}`);
  return mergeWithRefusals(query, ctx, p.merge_ranges!);
}
