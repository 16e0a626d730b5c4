import type { PostgresConnection } from './schema.js';

/**
 * Parses postgres://user:password@host:port/database?sslmode=… into connection options.
 * Kept free of driver imports: `copy postgres://…` calls it while building a plan.
 * Thrown messages never contain the URL (it may carry a password).
 */
export function parsePostgresUrl(url: string): PostgresConnection {
  let parsed: URL;
  try {
    // libpq allows an empty host (`postgres://user@/db?host=/socket`); WHATWG URL does not
    parsed = new URL(url.replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)(?=[/?#]|$)/i, '$1localhost'));
  } catch {
    throw new TypeError('postgres connection url is not a valid URL (expected postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new TypeError(`postgres connection url must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`);
  }
  const out: Record<string, unknown> = {};
  const q = parsed.searchParams;
  const host = q.get('host') ?? decode(parsed.hostname);
  if (host) out.host = host.startsWith('[') ? host.slice(1, -1) : host;
  const port = q.get('port') ?? parsed.port;
  if (port) out.port = Number(port);
  if (parsed.username) out.user = decode(parsed.username);
  if (parsed.password) out.password = decode(parsed.password);
  const database = decode(parsed.pathname.replace(/^\//, ''));
  if (database) out.database = database;
  const ssl = sslFromMode(q.get('sslmode') ?? (q.get('ssl') === 'true' ? 'require' : null));
  if (ssl !== undefined) out.ssl = ssl;
  const timeout = q.get('connect_timeout');
  if (timeout && Number(timeout) > 0) out.connect_timeout_secs = Number(timeout);
  const app = q.get('application_name');
  if (app) out.application_name = app;
  return out as PostgresConnection;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** libpq sslmode → our `ssl` option. prefer/allow are treated as no TLS (no silent downgrade logic). */
function sslFromMode(mode: string | null): PostgresConnection['ssl'] | undefined {
  switch (mode) {
    case null: return undefined;
    case 'disable': case 'allow': case 'prefer': return false;
    case 'require': return 'require';
    case 'verify-ca': case 'verify-full': return 'verify-full';
    default: throw new TypeError(`postgres connection url has an unknown sslmode "${mode}" (use disable, require or verify-full)`);
  }
}
