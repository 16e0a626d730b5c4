import type { Issue } from '../../core/issues.js';
import type { CheckContext, ConnectorRuntime } from '../define.js';
import { closeQuietly, connect, resolveConnection } from './connection.js';
import { pgError } from './errors.js';
import { postgresSink } from './sink.js';
import { postgresSource } from './source.js';
import { postgresStateStore } from './state-store.js';
import { postgresDeadLetterStore } from './dead-letter-store.js';

/** validate --connections: log in once (no retries) and run SELECT 1. */
async function checkConnection(connection: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  let client;
  try {
    client = await connect(connection, { signal: ctx.signal, retry: { attempts: 1, initial_secs: 0, max_secs: 0, jitter: 0 } });
    await client.query('SELECT 1');
    return [];
  } catch (err) {
    const password = (() => { try { return resolveConnection(connection).password; } catch { return undefined; } })();
    const e = pgError(err, 'checking the connection', password);
    const code = (e as { code?: string }).code ?? 'E_PG';
    return [ctx.issue(ctx.path, code, e.message, (e as { hint?: string }).hint)];
  } finally {
    await closeQuietly(client);
  }
}

export const postgresRuntime: ConnectorRuntime = { source: postgresSource, sink: postgresSink, checkConnection, stateStore: postgresStateStore, deadLetterStore: postgresDeadLetterStore };
