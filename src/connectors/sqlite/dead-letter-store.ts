import { rowValues } from '../../core/engine/dead-letter-target.js';
import type { DeadLetterRow, DeadLetterStore } from '../../core/engine/dead-letter-target.js';
import type { DeadLetterStoreContext } from '../define.js';
import { deadLetterInsert, deadLetterPage } from '../sql/dead-letter-sql.js';
import { quoteIdent } from '../sql/identifiers.js';
import { dbExists, resolveDb, tableExists, useDb, type ResolvedDb } from './connection.js';
import type { SqliteParam } from './driver.js';
import { sqliteDialect } from './dialect.js';

/** rows per INSERT statement: 10 columns each, under SQLite's 32766 bound parameters. */
const CHUNK = 500;

/**
 * Rejects in a table of a sqlite database (`errors.dead_letter: { connection, table }`). Each
 * insert opens the file, writes one short transaction and closes it. During the run the sink
 * may hold the database's write lock: an insert then fails at once (busy_timeout 0, a transient
 * error) and the rows are tried again later, at the latest after the sink has finished.
 * The table name is taken literally, like sqlite `table:`.
 */
export async function sqliteDeadLetterStore(connection: Record<string, unknown>, ctx: DeadLetterStoreContext): Promise<DeadLetterStore> {
  const db: ResolvedDb = { ...resolveDb({}, connection, ctx.pipeline.dir), read_only: false };
  const table = quoteIdent(ctx.table);
  const where = `dead-letter table ${ctx.table} (sqlite ${db.display})`;
  // during the run the sink may hold the write lock: fail fast (transient), wait only at the end
  const lockWait = (final: boolean): ResolvedDb => (final ? db : { ...db, busy_timeout_ms: 0 });
  return {
    description: where,
    async insert(rows, { final }) {
      if (rows.length === 0) return;
      await useDb(lockWait(final), { write: true }, `writing ${where}`, (h) => {
        h.exec('BEGIN IMMEDIATE');
        try {
          h.exec(`CREATE TABLE IF NOT EXISTS ${table} (run_id TEXT NOT NULL, pipeline TEXT NOT NULL, seq INTEGER NOT NULL,
            rejected_at TEXT NOT NULL, stage TEXT NOT NULL, reason TEXT NOT NULL, rule TEXT, column_name TEXT, position TEXT, record TEXT)`);
          for (let i = 0; i < rows.length; i += CHUNK) {
            const part = rows.slice(i, i + CHUNK);
            h.prepare(deadLetterInsert(sqliteDialect, table, part.length)).run(part.flatMap(rowValues) as SqliteParam[]);
          }
          h.exec('COMMIT');
        } catch (err) {
          try { h.exec('ROLLBACK'); } catch { /* the error that got us here matters */ }
          throw err;
        }
      });
    },
    async read(pipeline, run_id, after, limit) {
      if (!dbExists(db)) return [];
      return useDb(db, { write: false, mustExist: true }, `reading ${where}`, (h) => {
        if (!tableExists(h, ctx.table)) return [];
        const page = deadLetterPage(sqliteDialect, table, '*', after, limit, pipeline, run_id);
        return h.prepare(page.sql).all(page.params as SqliteParam[]).map((r) => ({ ...r, seq: Number(r['seq']) }) as unknown as DeadLetterRow);
      });
    },
    async delete(pipeline, run_id) {
      if (!dbExists(db)) return 0;
      return useDb(db, { write: true }, `clearing ${where}`, (h) =>
        (tableExists(h, ctx.table) ? h.prepare(`DELETE FROM ${table} WHERE pipeline = ? AND run_id = ?`).run([pipeline, run_id]).changes : 0));
    },
    async close() {},
  };
}
