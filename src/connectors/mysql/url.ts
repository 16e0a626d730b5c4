import { parseDbUrl } from '../sql/url.js';
import type { MysqlConnection } from './schema.js';

const EXAMPLE = 'mysql://user:password@host:3306/database';

/**
 * mysql://user:password@host:3306/database?ssl=require&connect_timeout=5 (or mariadb://) →
 * connection options. Free of driver imports: `copy mysql://…` calls it while planning.
 */
export function parseMysqlUrl(url: string): MysqlConnection {
  const p = parseDbUrl(url, ['mysql', 'mariadb'], 'mysql', EXAMPLE);
  const out: Record<string, unknown> = {};
  if (p.host) out.host = p.host;
  if (p.port !== undefined) out.port = p.port;
  if (p.user) out.user = p.user;
  if (p.password) out.password = p.password;
  if (p.path) out.database = p.path;
  const socket = p.query.get('socket');
  if (socket) out.socket = socket;
  const ssl = p.query.get('ssl') ?? p.query.get('ssl-mode') ?? p.query.get('sslmode');
  if (ssl !== null) out.ssl = sslFrom(ssl.toLowerCase());
  const timeout = p.query.get('connect_timeout');
  if (timeout && Number(timeout) > 0) out.connect_timeout_secs = Number(timeout);
  return out as MysqlConnection;
}

function sslFrom(value: string): MysqlConnection['ssl'] {
  if (['false', '0', 'disabled', 'disable', 'preferred'].includes(value)) return false;
  if (['require', 'required', 'true', '1'].includes(value)) return 'require';
  if (['verify-full', 'verify_identity', 'verify_ca', 'verify-ca'].includes(value)) return 'verify-full';
  throw new TypeError(`mysql connection url has an unknown ssl value "${value}" (use false, require or verify-full)`);
}
