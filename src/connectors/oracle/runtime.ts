import type { Issue } from '../../core/issues.js';
import type { CheckContext, ConnectorRuntime } from '../define.js';
import { NO_RETRY, probeIssues } from '../sql/checks.js';
import { closeQuietly, connect, resolveConnection, type OracleSession } from './connection.js';
import { oracleError } from './errors.js';
import { oracleSink } from './sink.js';
import { oracleSource } from './source.js';

/** validate --connections: log in once (no retries) and run SELECT 1 FROM dual. */
async function checkConnection(connection: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  let s: OracleSession | undefined;
  return probeIssues(ctx, 'E_ORACLE', (err) => oracleError(err, 'checking the connection', passwordOf(connection)), async () => {
    try {
      s = await connect(connection, { signal: ctx.signal, retry: NO_RETRY });
      await s.conn.execute('SELECT 1 FROM dual');
    } finally {
      await closeQuietly(s);
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

export const oracleRuntime: ConnectorRuntime = { source: oracleSource, sink: oracleSink, checkConnection };
