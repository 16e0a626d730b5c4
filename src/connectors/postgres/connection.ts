import pg from 'pg';
import { ConnectorError, InterruptedError } from '../../core/errors.js';
import { withRetry } from '../../core/engine/retry.js';
import type { EventSink } from '../../core/events.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../core/engine/retry-policy.js';
import { classifyPgError, pgError } from './errors.js';
import { canonicalTypes } from './pg-types.js';
import type { PostgresConnection } from './schema.js';
import { parsePostgresUrl } from './url.js';

/** The connection options with the url folded in (explicit fields win over url parts). */
export function resolveConnection(options: Record<string, unknown> | undefined): PostgresConnection {
  if (!options) {
    throw new ConnectorError('E_PG_NO_CONNECTION', 'postgres: the stage has no connection', {
      kind: 'config',
      hint: 'add `connection: <name>` naming a `connections:` entry of type postgres',
    });
  }
  const { url, ...rest } = options as PostgresConnection;
  const fromUrl = url ? parsePostgresUrl(url) : {};
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...fromUrl, ...defined } as PostgresConnection;
}

/** 'user@host:port/db' for messages: never the password. */
export function describeConnection(c: PostgresConnection): string {
  return `${c.user ? `${c.user}@` : ''}${c.host ?? 'localhost'}:${c.port ?? 5432}/${c.database ?? ''}`;
}

export function clientConfig(c: PostgresConnection): pg.ClientConfig {
  const ssl = c.ssl === undefined || c.ssl === false ? false
    : c.ssl === 'require' ? { rejectUnauthorized: false }
    : { rejectUnauthorized: true };
  return {
    host: c.host,
    port: c.port ?? 5432,
    user: c.user,
    password: c.password,
    database: c.database,
    ssl,
    connectionTimeoutMillis: Math.round((c.connect_timeout_secs ?? 10) * 1000),
    application_name: c.application_name ?? 'etl-cli',
    types: canonicalTypes,
    keepAlive: true,
  };
}

export interface ConnectContext {
  readonly signal: AbortSignal;
  readonly retry?: RetryPolicy;
  readonly events?: EventSink;
  readonly stage?: string;
}

/**
 * Opens a session in canonical settings (UTC, ISO dates, ISO-8601 intervals), retrying transient
 * failures (refused/reset, 57P01, 08xxx, timeouts) with the engine's retry policy and backoff.
 */
export async function connect(options: Record<string, unknown> | undefined, ctx: ConnectContext): Promise<pg.Client> {
  const conn = resolveConnection(options);
  const doing = `connecting to ${describeConnection(conn)}`;
  return withRetry(
    async () => {
      try {
        return await connectOnce(conn, ctx.signal);
      } catch (err) {
        throw pgError(err, doing, conn.password);
      }
    },
    {
      policy: ctx.retry ?? DEFAULT_RETRY_POLICY,
      signal: ctx.signal,
      classify: (err) => (err instanceof ConnectorError ? err.kind : classifyPgError(err)),
      ...(ctx.events ? { events: ctx.events } : {}),
      ...(ctx.stage ? { stage: ctx.stage } : {}),
    },
  );
}

async function connectOnce(conn: PostgresConnection, signal: AbortSignal): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(conn));
  // an idle-connection error must not crash the process; the next query reports it
  client.on('error', () => {});
  const onAbort = (): void => void client.end().catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    const settings = ["SET TimeZone TO 'UTC'", "SET DateStyle TO 'ISO, MDY'", "SET IntervalStyle TO 'iso_8601'", "SET bytea_output TO 'hex'"];
    if (conn.statement_timeout_secs !== undefined) {
      settings.push(`SET statement_timeout TO ${Math.round(conn.statement_timeout_secs * 1000)}`);
    }
    await client.query(settings.join('; '));
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    throw signal.aborted ? new InterruptedError('interrupted', { cause: err }) : err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Closes quietly: used in finally blocks after the real error is already known. */
export async function closeQuietly(client: pg.Client | undefined): Promise<void> {
  if (client) await client.end().catch(() => {});
}

export { classifyPgError };
