import { parseDbUrl } from '../sql/url.js';
import type { OracleConnection } from './schema.js';

/**
 * oracle://user:password@host:1521/service_name → { user, password, connect_string }.
 * Free of driver imports; thrown messages never contain the URL.
 */
export function parseOracleUrl(url: string): OracleConnection {
  const p = parseDbUrl(url, ['oracle'], 'oracle', 'oracle://user:password@host:1521/service_name');
  if (!p.host) throw new TypeError('oracle connection url needs a host (oracle://user:password@host:1521/service_name)');
  const host = p.host.includes(':') ? `[${p.host}]` : p.host;
  const out: Record<string, unknown> = { connect_string: `${host}:${p.port ?? 1521}${p.path ? `/${p.path}` : ''}` };
  if (p.user) out.user = p.user;
  if (p.password) out.password = p.password;
  const timeout = p.query.get('connect_timeout');
  if (timeout && Number(timeout) > 0) out.connect_timeout_secs = Number(timeout);
  return out as OracleConnection;
}
