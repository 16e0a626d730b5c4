import type { StateStore } from '../../core/state/store.js';
import type { StateStoreContext } from '../define.js';
import { stateReads, type StateRow } from '../sql/state-rows.js';
import { quoteIdent } from '../sql/identifiers.js';
import { dbExists, resolveDb, tableExists, useDb, type ResolvedDb } from './connection.js';
import type { SqliteDatabase } from './driver.js';

/**
 * Watermarks in a table of a sqlite database (`state: { connection, table }`). A read opens the
 * file read-only and never creates it (dry-run); a write creates the table if missing and
 * upserts in one short transaction. The table name is taken literally, like sqlite `table:`.
 */
export async function sqliteStateStore(connection: Record<string, unknown>, ctx: StateStoreContext): Promise<StateStore> {
  const db: ResolvedDb = { ...resolveDb({}, connection, ctx.pipeline.dir), read_only: false };
  const table = quoteIdent(ctx.table);
  const where = `state table ${ctx.table} (sqlite ${db.display})`;
  const withDb = <T>(write: boolean, doing: string, fn: (handle: SqliteDatabase) => T): Promise<T> =>
    useDb(db, { write, mustExist: !write }, `${doing} ${where}`, fn);
  const exists = (h: SqliteDatabase): boolean => tableExists(h, ctx.table);
  const select = async (pipeline: string, stream?: string): Promise<StateRow[]> => {
    if (!dbExists(db)) return [];
    return withDb(false, 'reading', (h) => {
      if (!exists(h)) return [];
      const filter = stream === undefined ? '' : ' AND stream = ?';
      const sql = `SELECT stream, watermark, updated_at, run_id FROM ${table} WHERE pipeline = ?${filter} ORDER BY stream`;
      return h.prepare(sql).all(stream === undefined ? [pipeline] : [pipeline, stream]) as unknown as StateRow[];
    });
  };
  return {
    description: where,
    ...stateReads(select),
    async write(pipeline, stream, value) {
      await withDb(true, 'writing', (h) => {
        h.exec('BEGIN IMMEDIATE');
        try {
          h.exec(`CREATE TABLE IF NOT EXISTS ${table} (pipeline TEXT NOT NULL, stream TEXT NOT NULL, watermark TEXT, updated_at TEXT, run_id TEXT, PRIMARY KEY (pipeline, stream))`);
          h.prepare(
            `INSERT INTO ${table} (pipeline, stream, watermark, updated_at, run_id) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (pipeline, stream) DO UPDATE SET watermark = excluded.watermark, updated_at = excluded.updated_at, run_id = excluded.run_id`,
          ).run([pipeline, stream, value.watermark, new Date().toISOString(), value.run_id ?? null]);
          h.exec('COMMIT');
        } catch (err) {
          try { h.exec('ROLLBACK'); } catch { /* the error that got us here matters */ }
          throw err;
        }
      });
    },
    async reset(pipeline, stream) {
      if (!dbExists(db)) return false;
      return withDb(true, 'clearing', (h) => {
        if (!exists(h)) return false;
        const res = stream === undefined
          ? h.prepare(`DELETE FROM ${table} WHERE pipeline = ?`).run([pipeline])
          : h.prepare(`DELETE FROM ${table} WHERE pipeline = ? AND stream = ?`).run([pipeline, stream]);
        return res.changes > 0;
      });
    },
    async close() {},
  };
}
