import type { Connection } from 'mysql2/promise';
import type { Issue } from '../../core/issues.js';
import type { CheckContext, ConnectorRuntime } from '../define.js';
import { closeQuietly, connect, resolveConnection } from './connection.js';
import { mysqlError } from './errors.js';
import { mysqlSink } from './sink.js';
import { mysqlSource } from './source.js';

/** validate --connections: log in once (no retries) and run SELECT 1. */
async function checkConnection(connection: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  let conn: Connection | undefined;
  try {
    conn = await connect(connection, { signal: ctx.signal, retry: { attempts: 1, initial_secs: 0, max_secs: 0, jitter: 0 } });
    await conn.query('SELECT 1');
    return [];
  } catch (err) {
    const password = (() => { try { return resolveConnection(connection).password; } catch { return undefined; } })();
    const e = mysqlError(err, 'checking the connection', password) as { code?: string; message: string; hint?: string };
    return [ctx.issue(ctx.path, e.code ?? 'E_MYSQL', e.message, e.hint)];
  } finally {
    await closeQuietly(conn);
  }
}

export const mysqlRuntime: ConnectorRuntime = { source: mysqlSource, sink: mysqlSink, checkConnection };
