import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP API on 127.0.0.1 for the rest connector tests: every pagination style, every auth
 * method, flaky and slow endpoints, a malformed page and sink endpoints that record what they got.
 */
export const SECRETS = {
  token: 'bearer-s3cret-token',
  user: 'etl',
  password: 'p4ss-w0rd-secret',
  api_key: 'k3y-abcdef-123456',
  client_id: 'etl-client',
  client_secret: 'cl13nt-s3cret-value',
};

export const TOTAL = 23;
/** 2^53 + 1: JSON.parse alone would round it. */
export const BIG = '9007199254740993';

export function item(i: number): string {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return `{"id":${i},"name":"item ${i}","big":${BIG}${i},"updated_at":"2024-03-${day}T10:00:00Z","nested":{"n":${i}}}`;
}

const items = (from: number, to: number): string => {
  const out: string[] = [];
  for (let i = from; i < Math.min(to, TOTAL); i++) out.push(item(i));
  return `[${out.join(',')}]`;
};

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface TestServer {
  readonly url: string;
  readonly seen: Seen[];
  /** oauth2: how many tokens were issued; each token is valid for `token_uses` requests. */
  readonly oauth: { issued: number; token_uses: number; expires_in: number };
  /** bodies received by the sink endpoints, parsed. */
  readonly received: unknown[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, url: URL, body: string, res: ServerResponse) => void | Promise<void>;

function json(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

const num = (url: URL, name: string, dflt: number): number => Number(url.searchParams.get(name) ?? dflt);

export async function startServer(): Promise<TestServer> {
  const seen: Seen[] = [];
  const received: unknown[] = [];
  const oauth = { issued: 0, token_uses: 1000, expires_in: 3600 };
  const tokens = new Map<string, number>();
  const attempts = new Map<string, number>();
  let base = '';

  const unauthorized = (res: ServerResponse): void => json(res, 401, '{"error":"unauthorized"}', { 'www-authenticate': 'Bearer' });
  const routes: Record<string, Handler> = {
    '/page': (_q, url, _b, res) => {
      const page = num(url, 'page', 1);
      const size = num(url, 'per_page', 10);
      json(res, 200, `{"data":{"items":${items((page - 1) * size, page * size)}}}`);
    },
    '/offset': (_q, url, _b, res) => {
      const offset = num(url, 'offset', 0);
      json(res, 200, items(offset, offset + num(url, 'limit', 10)));
    },
    '/cursor': (_q, url, _b, res) => {
      const at = url.searchParams.has('cursor') ? Number(Buffer.from(url.searchParams.get('cursor')!, 'base64url').toString()) : 0;
      const next = at + 7 < TOTAL ? `"${Buffer.from(String(at + 7)).toString('base64url')}"` : 'null';
      json(res, 200, `{"items":${items(at, at + 7)},"meta":{"next":${next}}}`);
    },
    '/next': (_q, url, _b, res) => {
      const start = num(url, 'start', 0);
      const next = start + 10 < TOTAL ? `"next?start=${start + 10}"` : 'null';
      json(res, 200, `{"results":${items(start, start + 10)},"links":{"next":${next}}}`);
    },
    '/link': (_q, url, _b, res) => {
      const p = num(url, 'p', 1);
      const links = [`<${base}/link?p=1>; rel="first"; title="first, page"`];
      if (p * 6 < TOTAL) links.push(`</link?p=${p + 1}>; title="the \\"next\\" one; really"; rel="next"`);
      links.push(`<${base}/link?p=4>; rel=last`);
      json(res, 200, items((p - 1) * 6, p * 6), { link: links.join(', ') });
    },
    '/auth/bearer': (q, _u, _b, res) => (q.headers.authorization === `Bearer ${SECRETS.token}` ? json(res, 200, items(0, 3)) : unauthorized(res)),
    '/auth/basic': (q, _u, _b, res) => {
      const ok = q.headers.authorization === `Basic ${Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString('base64')}`;
      return ok ? json(res, 200, items(0, 3)) : unauthorized(res);
    },
    '/auth/header-key': (q, _u, _b, res) => (q.headers['x-api-key'] === SECRETS.api_key ? json(res, 200, items(0, 3)) : unauthorized(res)),
    // echoes the key in the error body, as careless APIs do: it must still never reach a message
    '/auth/query-key': (_q, url, _b, res) => (url.searchParams.get('api_key') === SECRETS.api_key
      ? json(res, 200, items(0, 3))
      : json(res, 403, `{"error":"invalid key ${url.searchParams.get('api_key')}"}`)),
    '/oauth/token': (_q, _u, body, res) => {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== SECRETS.client_id || form.get('client_secret') !== SECRETS.client_secret) {
        return json(res, 401, '{"error":"invalid_client"}');
      }
      const token = `at-${++oauth.issued}-${Math.random().toString(36).slice(2)}`;
      tokens.set(token, oauth.token_uses);
      json(res, 200, JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: oauth.expires_in }));
    },
    '/auth/oauth': (q, url, _b, res) => {
      const token = /^Bearer (.+)$/.exec(q.headers.authorization ?? '')?.[1] ?? '';
      const left = tokens.get(token) ?? 0;
      if (left <= 0) return unauthorized(res);
      tokens.set(token, left - 1);
      const page = num(url, 'page', 1);
      json(res, 200, items((page - 1) * 5, page * 5));
    },
    // every page answers 429 (Retry-After), then 503 twice, then the data
    '/flaky': (_q, url, _b, res) => {
      const key = url.search;
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      if (n === 1) return json(res, 429, '{"error":"slow down"}', { 'retry-after': url.searchParams.get('wait') ?? '0' });
      if (n <= 3) return json(res, 503, '{"error":"busy"}');
      const page = num(url, 'page', 1);
      json(res, 200, items((page - 1) * 5, page * 5));
    },
    '/status': (_q, url, _b, res) => json(res, num(url, 'code', 500), `{"error":"status ${url.searchParams.get('code')}","detail":"${'x'.repeat(300)}"}`),
    '/slow': async (_q, url, _b, res) => {
      const key = `slow${url.search}`;
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      if (n <= num(url, 'slow_times', 1000)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        await new Promise((r) => setTimeout(r, num(url, 'ms', 2000)));
        if (!res.destroyed) res.end(`${item(0)}]`);
        return;
      }
      json(res, 200, items(0, 2));
    },
    '/malformed': (_q, url, _b, res) => {
      const page = num(url, 'page', 1);
      if (page === 2) return json(res, 200, '{"data":{"items":[{"id":1},');
      if (page === 3) return json(res, 200, '{"nothing":"here"}');
      json(res, 200, `{"data":{"items":${items((page - 1) * 5, page * 5)}}}`);
    },
    '/echo': (_q, url, _b, res) => json(res, 200, `[{"query":${JSON.stringify(url.search)},"id":1,"updated_at":"2024-05-01T00:00:00Z"},{"query":"x","id":2,"updated_at":"2024-01-01T00:00:00Z"}]`),
    '/jump': (_q, url, _b, res) => {
      const to = url.searchParams.get('to');
      json(res, 200, JSON.stringify({ results: [{ id: to ? 100 : 101 }], next: to }));
    },
    '/redirect': (_q, url, _b, res) => {
      res.writeHead(num(url, 'status', 302), { location: url.searchParams.get('to') ?? '/' });
      res.end();
    },
    // announces more than the 100 MB cap and never sends it
    '/huge': (_q, _u, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(101 * 1024 * 1024) });
      res.write('[');
    },
    // a broken API that always sends the same cursor
    '/loop': (_q, url, _b, res) => json(res, 200, `{"items":${items(0, 2)},"next":"same","seen":${JSON.stringify(url.search)}}`),
    '/search': (q, _u, body, res) => json(res, 200, JSON.stringify({ hits: [{ method: q.method, body }] })),
    // sink: per-record errors as [{index, error}] for records without an @ in email
    '/sink/indexed': (_q, _u, body, res) => {
      const rows = JSON.parse(body) as { email?: string }[];
      received.push(...rows);
      const errors = rows.flatMap((r, index) => (String(r.email).includes('@') ? [] : [{ index, error: `invalid email ${r.email}` }]));
      json(res, 207, JSON.stringify({ result: { errors } }));
    },
    '/sink/parallel': (_q, _u, body, res) => {
      const rows = JSON.parse(body) as { email?: string }[];
      received.push(...rows);
      json(res, 200, JSON.stringify(rows.map((r) => (String(r.email).includes('@') ? null : { message: 'no @' }))));
    },
    // the whole batch is refused when one record has bad: true
    '/sink/strict': (_q, _u, body, res) => {
      const rows = JSON.parse(body) as { bad?: boolean }[];
      if (rows.some((r) => r.bad)) return json(res, 422, '{"error":"batch contains a bad record"}');
      received.push(...rows);
      json(res, 200, '{}');
    },
    '/hook': async (_q, _u, body, res) => {
      const row = JSON.parse(body) as { email?: string; delay?: number };
      if (row.delay) await new Promise((r) => setTimeout(r, row.delay));
      received.push(row);
      json(res, 200, String(row.email).includes('@') ? '{"ok":true}' : '{"error":"bad email"}');
    },
    '/hook/flaky': (_q, _u, body, res) => {
      const n = (attempts.get(body) ?? 0) + 1;
      attempts.set(body, n);
      if (n === 1) return json(res, 503, '{}');
      received.push(JSON.parse(body));
      json(res, 200, '{}');
    },
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', base);
      seen.push({ method: req.method ?? '', url: url.pathname + url.search, headers: req.headers, body });
      const route = routes[url.pathname];
      if (!route) return json(res, 404, '{"error":"no such route"}');
      Promise.resolve().then(() => route(req, url, body, res)).catch((err: unknown) => json(res, 500, JSON.stringify(String(err))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base, seen, oauth, received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
