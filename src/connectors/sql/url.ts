/**
 * The parts of a database URL (scheme://user:password@host:port/path?query) shared by the SQL
 * connectors' `connectionFromUrl`. Thrown messages never contain the URL (it may carry a password).
 */
export interface DbUrlParts {
  readonly user?: string;
  readonly password?: string;
  readonly host?: string;
  readonly port?: number;
  /** the path without its leading slash, percent-decoded ('' when absent). */
  readonly path: string;
  readonly query: URLSearchParams;
}

export function parseDbUrl(url: string, schemes: readonly string[], label: string, example: string): DbUrlParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${label} connection url is not a valid URL (expected ${example})`);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (!schemes.includes(scheme)) {
    throw new TypeError(`${label} connection url must start with ${schemes.map((s) => `${s}://`).join(' or ')} (got ${scheme}://)`);
  }
  const host = decode(parsed.hostname);
  const port = parsed.port ? Number(parsed.port) : undefined;
  return {
    ...(parsed.username ? { user: decode(parsed.username) } : {}),
    ...(parsed.password ? { password: decode(parsed.password) } : {}),
    ...(host ? { host: host.startsWith('[') ? host.slice(1, -1) : host } : {}),
    ...(port !== undefined ? { port } : {}),
    path: decode(parsed.pathname.replace(/^\//, '')),
    query: parsed.searchParams,
  };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Folds the url into the explicit fields; explicit fields win over url parts. */
export function mergeUrlOptions<T extends { url?: string }>(options: T, fromUrl: (url: string) => Partial<T>): Omit<T, 'url'> {
  const { url, ...rest } = options;
  const base = url ? fromUrl(url) : {};
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...base, ...defined } as Omit<T, 'url'>;
}
