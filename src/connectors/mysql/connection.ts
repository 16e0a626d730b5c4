import type { Connection as CoreConnection } from 'mysql2';
import type { Connection, ConnectionOptions } from 'mysql2/promise';
import { ConnectorError, InterruptedError } from '../../core/errors.js';
import { withRetry } from '../../core/engine/retry.js';
import { DEFAULT_RETRY_POLICY } from '../../core/engine/retry-policy.js';
import type { ConnectContext } from '../postgres/connection.js';
import { mergeUrlOptions } from '../sql/url.js';
import { classifyMysqlError, mysqlError } from './errors.js';
import type { MysqlConnection } from './schema.js';
import { parseMysqlUrl } from './url.js';

export type { ConnectContext };

/** The connection options with the url folded in (explicit fields win over url parts). */
export function resolveConnection(options: Record<string, unknown> | undefined): Omit<MysqlConnection, 'url'> {
  if (!options) {
    throw new ConnectorError('E_MYSQL_NO_CONNECTION', 'mysql: the stage has no connection', {
      kind: 'config',
      hint: 'add `connection: <name>` naming a `connections:` entry of type mysql',
    });
  }
  return mergeUrlOptions(options as MysqlConnection, parseMysqlUrl);
}

/** 'user@host:port/db' for messages: never the password. */
export function describeConnection(c: Omit<MysqlConnection, 'url'>): string {
  const where = c.socket ?? `${c.host ?? 'localhost'}:${c.port ?? 3306}`;
  return `${c.user ? `${c.user}@` : ''}${where}/${c.database ?? ''}`;
}

/** Driver options: exact values (big numbers and dates as strings), UTC, a connect timeout always set. */
export function driverOptions(c: Omit<MysqlConnection, 'url'>): ConnectionOptions {
  const ssl = c.ssl === undefined || c.ssl === false ? undefined
    : c.ssl === 'require' ? { rejectUnauthorized: false } : { rejectUnauthorized: true };
  return {
    ...(c.socket ? { socketPath: c.socket } : { host: c.host ?? 'localhost', port: c.port ?? 3306 }),
    ...(c.user !== undefined ? { user: c.user } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    ...(c.database !== undefined ? { database: c.database } : {}),
    ...(ssl ? { ssl } : {}),
    connectTimeout: Math.round((c.connect_timeout_secs ?? 10) * 1000),
    timezone: 'Z',
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    multipleStatements: false,
  };
}

/**
 * Writes use a fixed strict sql_mode: over-long or invalid values fail (and can be rejected)
 * instead of being silently truncated, and backslash escaping is in force for the driver's
 * client-side value escaping (NO_BACKSLASH_ESCAPES and ANSI_QUOTES are off).
 */
export const WRITE_SQL_MODE = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

export interface MysqlConnectOptions extends ConnectContext {
  /** set the strict write sql_mode (sinks). */
  readonly write?: boolean;
}

/** Opens a session in UTC, retrying transient failures with the engine's retry policy. */
export async function connect(options: Record<string, unknown> | undefined, ctx: MysqlConnectOptions): Promise<Connection> {
  const conn = resolveConnection(options);
  const doing = `connecting to ${describeConnection(conn)}`;
  return withRetry(
    async () => {
      try {
        return await connectOnce(conn, ctx);
      } catch (err) {
        throw mysqlError(err, doing, conn.password, ctx.signal);
      }
    },
    {
      policy: ctx.retry ?? DEFAULT_RETRY_POLICY,
      signal: ctx.signal,
      classify: (err) => (err instanceof ConnectorError ? err.kind : classifyMysqlError(err)),
      ...(ctx.events ? { events: ctx.events } : {}),
      ...(ctx.stage ? { stage: ctx.stage } : {}),
    },
  );
}

async function connectOnce(c: Omit<MysqlConnection, 'url'>, ctx: MysqlConnectOptions): Promise<Connection> {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection(driverOptions(c));
  // an idle-connection error must not crash the process; the next query reports it
  core(conn).on('error', () => {});
  if (ctx.signal.aborted) {
    conn.destroy();
    throw new InterruptedError('interrupted');
  }
  ctx.signal.addEventListener('abort', () => conn.destroy(), { once: true });
  try {
    await conn.query("SET time_zone = '+00:00'");
    if (ctx.write) await conn.query(`SET SESSION sql_mode = '${WRITE_SQL_MODE}'`);
    return conn;
  } catch (err) {
    conn.destroy();
    throw err;
  }
}

/** The callback connection under the promise wrapper (its query() streams rows). */
export function core(conn: Connection): CoreConnection {
  return (conn as unknown as { connection: CoreConnection }).connection;
}

/** Closes quietly: used in finally blocks after the real error is already known. */
export async function closeQuietly(conn: Connection | undefined): Promise<void> {
  if (!conn) return;
  await conn.end().catch(() => conn.destroy());
}

/** 'mariadb' or 'mysql' and the version, from SELECT VERSION(). */
export interface ServerInfo {
  readonly flavor: 'mariadb' | 'mysql';
  readonly version: readonly number[];
}

export function serverInfo(version: string): ServerInfo {
  const nums = (/(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  return { flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql', version: nums };
}

/** MySQL 8.0.19+ has `INSERT … AS new ON DUPLICATE KEY UPDATE c = new.c`; MariaDB needs VALUES(c). */
export function supportsInsertAlias(info: ServerInfo): boolean {
  if (info.flavor === 'mariadb') return false;
  const [major = 0, minor = 0, patch = 0] = info.version;
  return major > 8 || (major === 8 && (minor > 0 || patch >= 19));
}
