import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ConnectorError, throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, RecordSchema, Row } from '../../core/records/types.js';
import type { Issue } from '../../core/issues.js';
import type { CheckContext, SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { displayName, quoteQualified, splitQualifiedName } from '../sql/identifiers.js';
import { hasUniqueKey, readTarget } from './catalog.js';
import { closeQuietly, connect, resolveConnection } from './connection.js';
import { ChunkWriter, createCsvEncoder } from './copy-encoder.js';
import { pgError } from './errors.js';
import type { PostgresSinkOptions } from './schema.js';
import { buildSinkPlan, type PgSinkInternal } from './sink-plan.js';
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

/** One open transaction with its COPY stream (none when there are no columns to write). */
interface OpenChunk {
  readonly stream?: ReturnType<typeof copyFrom>;
  readonly writer?: ChunkWriter;
  rows: number;
}

/**
 * Runs the plan. Each chunk (the whole run unless commit_every) is BEGIN → statements → COPY →
 * merge → COMMIT; any error or abort destroys the COPY (CopyFail) and rolls the chunk back.
 */
async function apply(sinkPlan: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  const p = sinkPlan.internal as PgSinkInternal;
  const password = resolveConnection(ctx.connection).password;
  const client = await connect(ctx.connection, ctx);
  let seq = 0;
  const encode = createCsvEncoder(p.columns, p.staged ? () => String(++seq) : undefined);
  let open: OpenChunk | undefined;
  let first = true;
  let written = 0;
  let committed = 0;

  const begin = async (): Promise<OpenChunk> => {
    await client.query('BEGIN');
    for (const s of first ? p.prelude : []) await client.query(s);
    first = false;
    for (const s of p.before) await client.query(s);
    if (!p.copy) return { rows: 0 };
    const stream = client.query(copyFrom(p.copy));
    return { stream, writer: new ChunkWriter(stream), rows: 0 };
  };
  const commit = async (chunk: OpenChunk): Promise<void> => {
    if (chunk.writer) await chunk.writer.end();
    await runAfter(client, p);
    await client.query('COMMIT');
    open = undefined;
    committed = written;
  };

  try {
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      let from = 0;
      while (from < batch.rows.length) {
        open ??= await begin();
        const room = p.commit_every ? p.commit_every - open.rows : Infinity;
        const to = Math.min(batch.rows.length, from + room);
        if (open.writer) await open.writer.write(encode(batch.rows as Row[], from, to));
        open.rows += to - from;
        written += to - from;
        from = to;
        if (p.commit_every && open.rows >= p.commit_every) await commit(open);
      }
      ctx.events({ type: 'batch.written', stage: ctx.stage, rows: batch.rows.length, total: written });
    }
    throwIfAborted(ctx.signal);
    // with no rows at all the prelude (create, truncate for overwrite) still runs and commits
    if (open || first) await commit(open ?? (await begin()));
    return { rows_written: written, target: sinkPlan.target };
  } catch (err) {
    await rollback(client, open);
    throw withRow(pgError(err, `loading into ${sinkPlan.target}`, password), committed);
  } finally {
    await closeQuietly(client);
  }
}

async function rollback(client: pg.Client, open: OpenChunk | undefined): Promise<void> {
  const stream = open?.stream;
  if (stream && !stream.destroyed && !stream.writableFinished) {
    // CopyFail makes the server abort the COPY; wait for its answer so the session is usable
    await new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
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
    client = await connect(ctx.connection, { signal: ctx.signal, retry: { attempts: 1, initial_secs: 0, max_secs: 0, jitter: 0 } });
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
 * Runs the statements after the COPY. An upsert merge that fails only because a key repeats
 * within the input (SQLSTATE 21000) is rolled back to its savepoint and redone with the
 * deduplicating merge (last row per key wins).
 */
async function runAfter(client: { query(sql: string): Promise<unknown> }, p: PgSinkInternal): Promise<void> {
  try {
    for (const s of p.after) await client.query(s);
  } catch (err) {
    if (!p.merge_fallback || (err as { code?: string }).code !== '21000') throw err;
    await client.query(`ROLLBACK TO SAVEPOINT ${MERGE_SAVEPOINT}`);
    await client.query(p.merge_fallback);
  }
}
