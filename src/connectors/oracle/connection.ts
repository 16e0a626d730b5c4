import type { Connection } from 'oracledb';
import { ConnectorError, InterruptedError } from '../../core/errors.js';
import { withRetry } from '../../core/engine/retry.js';
import { DEFAULT_RETRY_POLICY } from '../../core/engine/retry-policy.js';
import type { ConnectContext } from '../postgres/connection.js';
import { mergeUrlOptions } from '../sql/url.js';
import { callTimeoutMs, connectOptions, loadOracleDb, SESSION_SQL, type OracleDb } from './driver.js';
import { classifyOracleError, oracleError } from './errors.js';
import type { OracleConnection } from './schema.js';
import { parseOracleUrl } from './url.js';

export function resolveConnection(options: Record<string, unknown> | undefined): Omit<OracleConnection, 'url'> {
  if (!options) {
    throw new ConnectorError('E_ORACLE_NO_CONNECTION', 'oracle: the stage has no connection', {
      kind: 'config',
      hint: 'add `connection: <name>` naming a `connections:` entry of type oracle',
    });
  }
  return mergeUrlOptions(options as OracleConnection, parseOracleUrl);
}

/** 'user@host:port/service' for messages: never the password. */
export function describeConnection(c: Omit<OracleConnection, 'url'>): string {
  return `${c.user ? `${c.user}@` : ''}${c.connect_string ?? '(no connect_string)'}`;
}

export interface OracleSession {
  readonly db: OracleDb;
  readonly conn: Connection;
}

/** Opens a session (UTC, fixed NLS formats, call timeout), retrying transient failures. */
export async function connect(options: Record<string, unknown> | undefined, ctx: ConnectContext): Promise<OracleSession> {
  const c = resolveConnection(options);
  const db = await loadOracleDb();
  const doing = `connecting to ${describeConnection(c)}`;
  const conn = await withRetry(
    async () => {
      try {
        return await connectOnce(db, c, ctx.signal);
      } catch (err) {
        throw oracleError(err, doing, c.password, ctx.signal);
      }
    },
    {
      policy: ctx.retry ?? DEFAULT_RETRY_POLICY,
      signal: ctx.signal,
      classify: (err) => (err instanceof ConnectorError ? err.kind : classifyOracleError(err)),
      ...(ctx.events ? { events: ctx.events } : {}),
      ...(ctx.stage ? { stage: ctx.stage } : {}),
    },
  );
  return { db, conn };
}

async function connectOnce(db: OracleDb, c: Omit<OracleConnection, 'url'>, signal: AbortSignal): Promise<Connection> {
  const conn = await db.getConnection({ ...connectOptions(c) });
  conn.callTimeout = callTimeoutMs(c);
  if (signal.aborted) {
    await conn.close().catch(() => {});
    throw new InterruptedError('interrupted');
  }
  // an abort breaks the current round trip; the finally blocks then close the connection
  signal.addEventListener('abort', () => void conn.break().catch(() => {}), { once: true });
  try {
    await conn.execute(SESSION_SQL);
    return conn;
  } catch (err) {
    await conn.close().catch(() => {});
    throw err;
  }
}

export async function closeQuietly(session: OracleSession | undefined): Promise<void> {
  if (session) await session.conn.close().catch(() => {});
}

export type { ConnectContext };
