import { ConnectorError } from '../../core/errors.js';

/**
 * A tiny adapter over the two synchronous SQLite drivers: the built-in `node:sqlite`
 * (Node ≥ 22.5; `StatementSync.iterate` needs 22.13+) and the `better-sqlite3` package.
 * Only this file knows which one is in use. Integers are always read as bigint (safe integers);
 * callers narrow them to numbers when they fit.
 */
export type SqliteParam = null | string | number | bigint | Uint8Array;
export type SqliteRow = Record<string, unknown>;

export interface SqliteColumnInfo {
  readonly name: string;
  /** the declared type of the column the result comes from, null for expressions. */
  readonly type: string | null;
}

export interface SqliteStatement {
  run(params: readonly SqliteParam[]): { readonly changes: number };
  all(params: readonly SqliteParam[]): SqliteRow[];
  iterate(params: readonly SqliteParam[]): IterableIterator<SqliteRow>;
  /** result columns with declared types; undefined when the driver cannot tell. */
  columns(): readonly SqliteColumnInfo[] | undefined;
}

export interface SqliteDatabase {
  readonly driver: 'node:sqlite' | 'better-sqlite3';
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

export interface OpenOptions {
  readonly read_only?: boolean;
  /** fail instead of creating a new file (plans and checks never create files). */
  readonly must_exist?: boolean;
}

export type SqliteOpener = (path: string, options: OpenOptions) => SqliteDatabase;

export const DRIVER_MESSAGE = 'SQLite needs Node ≥ 22.5 (built-in node:sqlite) or the better-sqlite3 package';
export const DRIVER_HINT = 'npm install better-sqlite3, or upgrade Node';

let cached: Promise<SqliteOpener> | undefined;

/** Finds a driver once per process: node:sqlite first, then better-sqlite3. */
export function loadDriver(): Promise<SqliteOpener> {
  cached ??= findDriver().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

/** `importer` is a parameter so tests can check the no-driver error without uninstalling one. */
export async function findDriver(importer: Importer = tryImport): Promise<SqliteOpener> {
  const builtin = await importer('node:sqlite');
  const DatabaseSync = builtin?.DatabaseSync as NodeSqliteCtor | undefined;
  const StatementSync = builtin?.StatementSync as { prototype?: { iterate?: unknown } } | undefined;
  if (DatabaseSync && typeof StatementSync?.prototype?.iterate === 'function') {
    return (path, options) => wrapNode(new DatabaseSync(path, { readOnly: options.read_only === true }));
  }
  const pkg = await importer('better-sqlite3');
  const Better = (pkg?.default ?? pkg) as BetterCtor | undefined;
  if (typeof Better === 'function') {
    return (path, options) =>
      wrapBetter(new Better(path, { readonly: options.read_only === true, fileMustExist: options.must_exist === true }));
  }
  throw new ConnectorError('E_SQLITE_DRIVER', DRIVER_MESSAGE, { hint: DRIVER_HINT, kind: 'config' });
}

type Importer = (specifier: string) => Promise<Record<string, unknown> | undefined>;

async function tryImport(specifier: string): Promise<Record<string, unknown> | undefined> {
  try {
    // a variable specifier keeps TypeScript (and bundlers) from resolving optional modules
    return (await import(specifier)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/* ---------- better-sqlite3 ---------- */

interface BetterStatement {
  reader: boolean;
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): SqliteRow[];
  iterate(...params: unknown[]): IterableIterator<SqliteRow>;
  columns(): { name: string; type: string | null }[];
  safeIntegers(on: boolean): BetterStatement;
}
interface BetterDb {
  exec(sql: string): void;
  prepare(sql: string): BetterStatement;
  close(): void;
}
type BetterCtor = new (path: string, options: { readonly: boolean; fileMustExist: boolean }) => BetterDb;

function wrapBetter(db: BetterDb): SqliteDatabase {
  return {
    driver: 'better-sqlite3',
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    prepare(sql) {
      const stmt = db.prepare(sql);
      if (stmt.reader) stmt.safeIntegers(true);
      return {
        run: (params) => stmt.run(...params),
        all: (params) => stmt.all(...params),
        iterate: (params) => stmt.iterate(...params),
        columns: () => (stmt.reader ? stmt.columns().map((c) => ({ name: c.name, type: c.type })) : []),
      };
    },
  };
}

/* ---------- node:sqlite ---------- */

interface NodeStatement {
  run(...params: unknown[]): { changes: number | bigint };
  all(...params: unknown[]): SqliteRow[];
  iterate(...params: unknown[]): IterableIterator<SqliteRow>;
  setReadBigInts(on: boolean): void;
  columns?(): { name: string; type: string | null }[];
}
interface NodeDb {
  exec(sql: string): void;
  prepare(sql: string): NodeStatement;
  close(): void;
}
type NodeSqliteCtor = new (path: string, options: { readOnly: boolean }) => NodeDb;

function wrapNode(db: NodeDb): SqliteDatabase {
  return {
    driver: 'node:sqlite',
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    prepare(sql) {
      const stmt = db.prepare(sql);
      stmt.setReadBigInts(true);
      return {
        run: (params) => ({ changes: Number(stmt.run(...params).changes) }),
        all: (params) => stmt.all(...params),
        iterate: (params) => stmt.iterate(...params),
        // StatementSync.columns() exists from Node 22.16/23.11; older versions infer from values
        columns: () => stmt.columns?.().map((c) => ({ name: c.name, type: c.type })),
      };
    },
  };
}

/** Lets the event loop (timers, abort signals, other stages) run between synchronous batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
