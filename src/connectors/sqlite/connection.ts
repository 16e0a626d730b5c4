import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConnectorError, EtlError } from '../../core/errors.js';
import { loadDriver, type SqliteDatabase } from './driver.js';

/** Where a stage's database is and how to open it, after `connection:`/`path:` are resolved. */
export interface ResolvedDb {
  /** absolute file path, or ':memory:'. */
  readonly file: string;
  /** as the user wrote it, for plans and messages. */
  readonly display: string;
  readonly busy_timeout_ms: number;
  readonly read_only: boolean;
}

export const MEMORY = ':memory:';

/** Stage `path:` or the named connection's options → one database. */
export function resolveDb(
  options: Record<string, unknown>,
  connection: Record<string, unknown> | undefined,
  dir: string,
): ResolvedDb {
  const own = typeof options.path === 'string' ? options.path : undefined;
  const viaConnection = typeof connection?.path === 'string' ? connection.path : undefined;
  if (own !== undefined && viaConnection !== undefined) {
    throw new ConnectorError('E_SQLITE_TARGET', 'sqlite stage has both `path` and `connection`', {
      hint: 'give the database file once: either `path:` on the stage or a `connection:` entry',
      kind: 'config',
    });
  }
  const path = own ?? viaConnection;
  if (path === undefined) {
    throw new ConnectorError('E_SQLITE_TARGET', 'sqlite stage has no database: neither `path` nor `connection`', {
      hint: 'add `path: data.db` to the stage, or `connection: <name>` of a sqlite connection',
      kind: 'config',
    });
  }
  const file = path === MEMORY ? MEMORY : isAbsolute(path) ? path : resolve(dir, path);
  const timeout = own === undefined ? connection?.busy_timeout_ms : undefined;
  return {
    file,
    display: path,
    busy_timeout_ms: typeof timeout === 'number' ? timeout : 5000,
    read_only: own === undefined && connection?.read_only === true,
  };
}

export function dbExists(db: ResolvedDb): boolean {
  return db.file !== MEMORY && existsSync(db.file);
}

/**
 * Opens the database with busy_timeout set. `mustExist` is for plans and checks, which never
 * create a file as a side effect.
 */
export async function openDb(db: ResolvedDb, mode: { write: boolean; mustExist?: boolean }): Promise<SqliteDatabase> {
  const open = await loadDriver();
  if (mode.write) assertWritable(db);
  if (mode.mustExist && db.file !== MEMORY && !existsSync(db.file)) {
    throw new ConnectorError('E_SQLITE_NO_FILE', `sqlite database ${db.display} does not exist (${db.file})`, {
      hint: 'check the path; it is relative to the pipeline file',
      kind: 'config',
    });
  }
  try {
    // readers open read-write with query_only: a read-only handle cannot roll back the hot
    // journal a killed writer leaves behind (SQLITE_READONLY_ROLLBACK), a read-write one does
    const handle = open(db.file, { read_only: db.read_only, must_exist: mode.mustExist === true });
    handle.exec(`PRAGMA busy_timeout = ${Math.trunc(db.busy_timeout_ms)}`);
    if (!mode.write) handle.exec('PRAGMA query_only = ON');
    return handle;
  } catch (err) {
    throw sqliteError(err, `cannot open sqlite database ${db.display}`, 'check that the file is a SQLite database and readable');
  }
}

/** Opens the database, runs `fn` on the handle and closes it; a driver error says `what` failed. */
export async function useDb<T>(db: ResolvedDb, mode: { write: boolean; mustExist?: boolean }, what: string, fn: (handle: SqliteDatabase) => T): Promise<T> {
  const handle = await openDb(db, mode);
  try {
    return fn(handle);
  } catch (err) {
    throw sqliteError(err, what);
  } finally {
    handle.close();
  }
}

/** Whether `name` (taken literally) is a table of the database. */
export function tableExists(handle: SqliteDatabase, name: string): boolean {
  return handle.prepare("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = ?").all([name]).length > 0;
}

export function assertWritable(db: ResolvedDb): void {
  if (!db.read_only) return;
  throw new ConnectorError('E_SQLITE_READ_ONLY', `sqlite connection to ${db.display} is read_only but is used by a sink`, {
    hint: 'remove `read_only: true` from the connection, or use another connection for the sink',
    kind: 'config',
  });
}

/** Driver error → ConnectorError; SQLITE_BUSY/LOCKED are transient (another writer holds the lock). */
export function sqliteError(err: unknown, what: string, hint?: string): EtlError {
  if (err instanceof EtlError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const message = err instanceof Error ? err.message : String(err);
  const busy = /SQLITE_BUSY|SQLITE_LOCKED/.test(code) || /database is locked/i.test(message);
  return new ConnectorError('E_SQLITE', `${what}: ${message}`, {
    cause: err,
    kind: busy ? 'transient' : 'fatal',
    hint: busy ? 'another process holds a lock on the database; raise busy_timeout_ms or retry later' : hint,
  });
}
