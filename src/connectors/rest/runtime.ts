import type { Issue } from '../../core/issues.js';
import type { CheckContext, ConnectorRuntime } from '../define.js';
import { HttpError } from './http-error.js';
import { restSink } from './sink.js';
import { restSource } from './source.js';
import { CHECK_RETRY, openStage } from './stage.js';

/**
 * validate --connections on a `connections:` entry: an oauth2 token is requested (the credentials
 * are checked), then base_url must answer HTTP at all; 401/403 are reported, any other status is
 * fine (an API root often answers 404).
 */
async function checkConnection(connection: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  if (typeof connection['base_url'] !== 'string') return [];
  const http = openStage({}, { signal: ctx.signal, retry: CHECK_RETRY, connection });
  if (http.client.auth.refreshable) await http.client.auth.token();
  try {
    await http.client.send({ method: 'GET', url: http.url, what: 'check' });
  } catch (err) {
    if (err instanceof HttpError && err.status !== undefined && ![401, 403, 407].includes(err.status)) return [];
    throw err;
  }
  return [];
}

export const restRuntime: ConnectorRuntime = { source: restSource, sink: restSink, checkConnection };
