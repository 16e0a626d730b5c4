import type { Connection } from 'mysql2/promise';
import { rowValues } from '../../core/engine/dead-letter-target.js';
import type { DeadLetterRow, DeadLetterStore } from '../../core/engine/dead-letter-target.js';
import type { DeadLetterStoreContext } from '../define.js';
import { deadLetterInsert, deadLetterPage } from '../sql/dead-letter-sql.js';
import { closeQuietly, connect, describeConnection, resolveConnection } from './connection.js';
import { mysqlDialect } from './dialect.js';
import { mysqlError } from './errors.js';

const ER_NO_SUCH_TABLE = 1146;
const q = mysqlDialect.quoteIdent;
const SELECT = `${q('run_id')}, ${q('pipeline')}, ${q('seq')}, DATE_FORMAT(${q('rejected_at')}, '%Y-%m-%dT%H:%i:%s.%fZ') AS ${q('rejected_at')},
  ${q('stage')}, ${q('reason')}, ${q('rule')}, ${q('column_name')}, ${q('position')}, ${q('record')}`;

/**
 * Rejects in a table of a mysql/mariadb connection (`errors.dead_letter: { connection, table }`).
 * One session of its own for the run (never the sink's); each insert is a short transaction;
 * the table is created on the first insert (record as LONGTEXT: the JSON text exactly as written).
 */
export async function mysqlDeadLetterStore(connection: Record<string, unknown>, ctx: DeadLetterStoreContext): Promise<DeadLetterStore> {
  const conn = resolveConnection(connection);
  const { name, sql: table } = mysqlDialect.table(ctx.table);
  const where = `dead-letter table ${ctx.table} (mysql ${describeConnection(conn)})`;
  let session: Connection | undefined;
  let created = false;
  const run = async <T>(doing: string, fn: (c: Connection) => Promise<T>, missing?: T): Promise<T> => {
    try {
      session ??= await connect(connection, { signal: ctx.signal, retry: ctx.retry });
      return await fn(session);
    } catch (err) {
      if (missing !== undefined && (err as { errno?: number }).errno === ER_NO_SUCH_TABLE) return missing;
      // a broken session is replaced on the next call
      await closeQuietly(session);
      session = undefined;
      throw mysqlError(err, `${doing} ${where}`, conn.password);
    }
  };
  return {
    description: where,
    async insert(rows) {
      if (rows.length === 0) return;
      await run('writing', async (c) => {
        if (!created) await c.query(createSql(table, q(`${name.name}_run`)));
        created = true;
        await c.query('START TRANSACTION');
        try {
          await c.query(deadLetterInsert(mysqlDialect, table, rows.length), rows.flatMap((r) => rowValues({ ...r, rejected_at: datetime(r.rejected_at) })));
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      });
    },
    async read(pipeline, run_id, after, limit) {
      return run('reading', async (c) => {
        const page = deadLetterPage(mysqlDialect, table, SELECT, after, limit, pipeline, run_id);
        const [rows] = await c.query(page.sql, page.params);
        return (rows as DeadLetterRow[]).map((r) => ({ ...r, seq: Number(r.seq) }));
      }, []);
    },
    async delete(pipeline, run_id) {
      return run('clearing', async (c) => {
        const [res] = await c.query(`DELETE FROM ${table} WHERE ${q('pipeline')} = ? AND ${q('run_id')} = ?`, [pipeline, run_id]);
        return (res as { affectedRows?: number }).affectedRows ?? 0;
      }, 0);
    },
    async close() {
      await closeQuietly(session);
      session = undefined;
    },
  };
}

function createSql(table: string, index: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    ${q('run_id')} VARCHAR(64) NOT NULL, ${q('pipeline')} VARCHAR(255) NOT NULL, ${q('seq')} INT NOT NULL,
    ${q('rejected_at')} DATETIME(6) NOT NULL, ${q('stage')} TEXT NOT NULL, ${q('reason')} TEXT NOT NULL, ${q('rule')} TEXT,
    ${q('column_name')} TEXT, ${q('position')} TEXT, ${q('record')} LONGTEXT, KEY ${index} (${q('pipeline')}, ${q('run_id')})
  ) DEFAULT CHARSET = utf8mb4`;
}

/** ISO '2024-05-01T10:00:00.123Z' → DATETIME(6) text in UTC (the session's time zone). */
function datetime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}
