import type pg from 'pg';
import { LockHeldError } from '../../core/errors.js';
import type { StateStore } from '../../core/state/store.js';
import type { StateStoreContext } from '../define.js';
import { stateReads, type StateRow } from '../sql/state-rows.js';
import { closeQuietly, connect, describeConnection, resolveConnection } from './connection.js';
import { postgresDialect } from './dialect.js';
import { pgError } from './errors.js';

/**
 * Watermarks in a table of a postgres connection (`state: { connection, table }`). Every call
 * opens a short session: a read never creates anything (dry-run), a write creates the table if
 * missing and upserts in one transaction.
 */
export async function postgresStateStore(connection: Record<string, unknown>, ctx: StateStoreContext): Promise<StateStore> {
  const conn = resolveConnection(connection);
  const table = postgresDialect.table(ctx.table);
  const where = `state table ${ctx.table} (postgres ${describeConnection(conn)})`;
  const session = async <T>(doing: string, fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    let client: pg.Client | undefined;
    try {
      client = await connect(connection, { signal: ctx.signal, retry: ctx.retry });
      return await fn(client);
    } catch (err) {
      throw pgError(err, `${doing} ${where}`, conn.password);
    } finally {
      await closeQuietly(client);
    }
  };
  const exists = async (client: pg.Client): Promise<boolean> =>
    (await client.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [table.sql])).rows[0]?.oid != null;
  const select = async (pipeline: string, stream?: string): Promise<StateRow[]> =>
    session('reading', async (client) => {
      if (!(await exists(client))) return [];
      const filter = stream === undefined ? '' : ' AND stream = $2';
      const res = await client.query<StateRow>(
        `SELECT stream, watermark, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at, run_id FROM ${table.sql} WHERE pipeline = $1${filter} ORDER BY stream`,
        stream === undefined ? [pipeline] : [pipeline, stream],
      );
      return res.rows;
    });
  return {
    description: where,
    ...stateReads(select),
    async write(pipeline, stream, value) {
      await session('writing', (client) => upsert(client, table.sql, [pipeline, stream, value.watermark, value.run_id ?? null]));
    },
    async reset(pipeline, stream) {
      return session('clearing', async (client) => {
        if (!(await exists(client))) return false;
        const res = stream === undefined
          ? await client.query(`DELETE FROM ${table.sql} WHERE pipeline = $1`, [pipeline])
          : await client.query(`DELETE FROM ${table.sql} WHERE pipeline = $1 AND stream = $2`, [pipeline, stream]);
        return (res.rowCount ?? 0) > 0;
      });
    },
    async close() {},
    async lock(pipeline) {
      return advisoryLock(connection, ctx, pipeline, `${where}`, conn.password);
    },
  };
}

/**
 * pg_try_advisory_lock on a key derived from the state table and pipeline, held by a session
 * kept open for the run: another machine's run of the same pipeline gets exit 4.
 */
async function advisoryLock(connection: Record<string, unknown>, ctx: StateStoreContext, pipeline: string, where: string, password: string | undefined): Promise<{ release(): Promise<void> }> {
  const key = `etl-cli run ${ctx.table} ${pipeline}`;
  const client = await connect(connection, { signal: ctx.signal, retry: ctx.retry });
  let got: boolean;
  try {
    got = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key])).rows[0]?.ok === true;
  } catch (err) {
    await closeQuietly(client);
    throw pgError(err, `locking ${pipeline} in ${where}`, password);
  }
  if (!got) {
    await closeQuietly(client);
    throw new LockHeldError(`another run of ${pipeline} holds its database lock (${where})`, {
      hint: 'a run on another machine is using the same state table; wait for it to finish',
    });
  }
  return {
    async release() {
      // ending the session frees the lock even if the unlock fails
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
      await closeQuietly(client);
    },
  };
}

/** One short transaction: create the table if missing, then upsert the row. */
async function upsert(client: pg.Client, table: string, values: [string, string, string, string | null]): Promise<void> {
  await client.query('BEGIN');
  try {
    // two writers creating the table at once collide in the catalog (23505): take turns
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`etl-cli state ${table}`]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (pipeline text NOT NULL, stream text NOT NULL, watermark text, updated_at timestamptz, run_id text, PRIMARY KEY (pipeline, stream))`);
    await client.query(
      `INSERT INTO ${table} (pipeline, stream, watermark, updated_at, run_id) VALUES ($1, $2, $3, now(), $4)
       ON CONFLICT (pipeline, stream) DO UPDATE SET watermark = EXCLUDED.watermark, updated_at = EXCLUDED.updated_at, run_id = EXCLUDED.run_id`,
      values,
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
