import type pg from 'pg';
import { rowValues } from '../../core/engine/dead-letter-target.js';
import type { DeadLetterRow, DeadLetterStore } from '../../core/engine/dead-letter-target.js';
import { deadLetterInsert, deadLetterPage } from '../sql/dead-letter-sql.js';
import type { DeadLetterStoreContext } from '../define.js';
import { closeQuietly, connect, describeConnection, resolveConnection } from './connection.js';
import { postgresDialect } from './dialect.js';
import { pgError } from './errors.js';

const SELECT = `run_id, pipeline, seq, to_char(rejected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS rejected_at,
  stage, reason, rule, column_name, position, record::text AS record`;

/**
 * Rejects in a table of a postgres connection (`errors.dead_letter: { connection, table }`). One
 * session of its own is kept for the run (never the sink's); each insert is a short transaction.
 * The table is created on the first insert; reads and deletes never create it.
 */
export async function postgresDeadLetterStore(connection: Record<string, unknown>, ctx: DeadLetterStoreContext): Promise<DeadLetterStore> {
  const conn = resolveConnection(connection);
  const { name, sql: table } = postgresDialect.table(ctx.table);
  const where = `dead-letter table ${ctx.table} (postgres ${describeConnection(conn)})`;
  let client: pg.Client | undefined;
  let created = false;
  const session = async <T>(doing: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    try {
      client ??= await connect(connection, { signal: ctx.signal, retry: ctx.retry });
      return await fn(client);
    } catch (err) {
      // a broken session is replaced on the next call
      await closeQuietly(client);
      client = undefined;
      throw pgError(err, `${doing} ${where}`, conn.password);
    }
  };
  const exists = async (c: pg.Client): Promise<boolean> =>
    (await c.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [table])).rows[0]?.oid != null;
  return {
    description: where,
    async insert(rows) {
      if (rows.length === 0) return;
      await session('writing', (c) => transaction(c, async () => {
        if (!created) await createTable(c, table, postgresDialect.quoteIdent(`${name.name}_run`));
        await c.query(deadLetterInsert(postgresDialect, table, rows.length), rows.flatMap(rowValues));
      }));
      created = true; // only once committed: a rolled-back insert also rolls back the CREATE TABLE
    },
    async read(pipeline, run_id, after, limit) {
      return session('reading', async (c) => {
        if (!(await exists(c))) return [];
        const page = deadLetterPage(postgresDialect, table, SELECT, after, limit, pipeline, run_id);
        return (await c.query<DeadLetterRow>(page.sql, page.params)).rows;
      });
    },
    async delete(pipeline, run_id) {
      return session('clearing', async (c) => {
        if (!(await exists(c))) return 0;
        return (await c.query(`DELETE FROM ${table} WHERE pipeline = $1 AND run_id = $2`, [pipeline, run_id])).rowCount ?? 0;
      });
    },
    async close() {
      await closeQuietly(client);
      client = undefined;
    },
  };
}

async function transaction(c: pg.Client, fn: () => Promise<void>): Promise<void> {
  await c.query('BEGIN');
  try {
    await fn();
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function createTable(c: pg.Client, table: string, index: string): Promise<void> {
  // two runs creating the table at once collide in the catalog (23505): take turns
  await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`etl-cli dead letter ${table}`]);
  await c.query(`CREATE TABLE IF NOT EXISTS ${table} (
    run_id text NOT NULL, pipeline text NOT NULL, seq integer NOT NULL, rejected_at timestamptz NOT NULL,
    stage text NOT NULL, reason text NOT NULL, rule text, column_name text, position text, record jsonb)`);
  await c.query(`CREATE INDEX IF NOT EXISTS ${index} ON ${table} (pipeline, run_id)`);
}
