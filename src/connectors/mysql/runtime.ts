import type { Connection } from 'mysql2/promise';
import type { Issue } from '../../core/issues.js';
import type { CheckContext, ConnectorRuntime } from '../define.js';
import { NO_RETRY, probeIssues } from '../sql/checks.js';
import { closeQuietly, connect, resolveConnection } from './connection.js';
import { mysqlDeadLetterStore } from './dead-letter-store.js';
import { mysqlError } from './errors.js';
import { mysqlSink } from './sink.js';
import { mysqlSource } from './source.js';

/** validate --connections: log in once (no retries) and run SELECT 1. */
async function checkConnection(connection: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  let conn: Connection | undefined;
  return probeIssues(ctx, 'E_MYSQL', (err) => mysqlError(err, 'checking the connection', passwordOf(connection)), async () => {
    try {
      conn = await connect(connection, { signal: ctx.signal, retry: NO_RETRY });
      await conn.query('SELECT 1');
    } finally {
      await closeQuietly(conn);
    }
  });
}

/** The password (also from a url) for redaction; a bad url has none to hide. */
function passwordOf(connection: Record<string, unknown>): string | undefined {
  try {
    return resolveConnection(connection).password;
  } catch {
    return undefined;
  }
}

export const mysqlRuntime: ConnectorRuntime = { source: mysqlSource, sink: mysqlSink, checkConnection, deadLetterStore: mysqlDeadLetterStore };
