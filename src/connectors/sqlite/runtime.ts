import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Issue } from '../../core/issues.js';
import type { CheckContext, ConnectorRuntime } from '../define.js';
import { dbExists, MEMORY, openDb, resolveDb } from './connection.js';
import { loadDriver } from './driver.js';
import { sqliteSink } from './sink.js';
import { sqliteSource } from './source.js';
import { sqliteStateStore } from './state-store.js';
import { sqliteDeadLetterStore } from './dead-letter-store.js';

/** Finds the driver (throws E_SQLITE_DRIVER when there is none) and returns the runtime. */
export async function loadSqliteRuntime(): Promise<ConnectorRuntime> {
  await loadDriver();
  return { source: sqliteSource, sink: sqliteSink, checkConnection, stateStore: sqliteStateStore, deadLetterStore: sqliteDeadLetterStore };
}

/** validate --connections: the file is a readable SQLite database, or can be created. */
async function checkConnection(connection: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const db = resolveDb({}, connection, ctx.pipeline.dir);
  if (db.file === MEMORY) return [];
  if (!dbExists(db)) {
    if (db.read_only) {
      return [ctx.issue(`${ctx.path}/path`, 'E_SQLITE_NO_FILE', `sqlite database ${db.display} does not exist`, 'check the path; it is relative to the pipeline file')];
    }
    if (!existsSync(dirname(db.file))) {
      return [ctx.issue(`${ctx.path}/path`, 'E_SQLITE_NO_DIR', `directory of sqlite database ${db.display} does not exist`, 'create the directory first')];
    }
    return [];
  }
  try {
    const handle = await openDb(db, { write: false, mustExist: true });
    try {
      handle.prepare('SELECT count(*) AS n FROM sqlite_master').all([]);
    } finally {
      handle.close();
    }
    return [];
  } catch (err) {
    const e = err as { code?: string; message: string; hint?: string };
    return [ctx.issue(`${ctx.path}/path`, e.code ?? 'E_SQLITE', e.message, e.hint)];
  }
}
