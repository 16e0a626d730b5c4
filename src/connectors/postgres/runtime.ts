import type { Issue } from '../../core/issues.js';
import type pg from 'pg';
import type { CheckContext, ConnectorRuntime } from '../define.js';
import { NO_RETRY, probeIssues } from '../sql/checks.js';
import { closeQuietly, connect, resolveConnection } from './connection.js';
import { pgError } from './errors.js';
import { postgresSink } from './sink.js';
import { postgresSource } from './source.js';
import { postgresStateStore } from './state-store.js';
import { postgresDeadLetterStore } from './dead-letter-store.js';

/** validate --connections: log in once (no retries) and run SELECT 1. */
async function checkConnection(connection: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const password = (() => { try { return resolveConnection(connection).password; } catch { return undefined; } })();
  let client: pg.Client | undefined;
  return probeIssues(ctx, 'E_PG', (err) => pgError(err, 'checking the connection', password), async () => {
    try {
      client = await connect(connection, { signal: ctx.signal, retry: NO_RETRY });
      await client.query('SELECT 1');
    } finally {
      await closeQuietly(client);
    }
  });
}

export const postgresRuntime: ConnectorRuntime = { source: postgresSource, sink: postgresSink, checkConnection, stateStore: postgresStateStore, deadLetterStore: postgresDeadLetterStore };
