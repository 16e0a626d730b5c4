import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids, range, readAll, readError, visibleText } from './helpers.js';
import { SECRETS, startServer, TOTAL, type TestServer } from './server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const secretValues = Object.entries(SECRETS).filter(([k]) => k !== 'user' && k !== 'client_id').map(([, v]) => v);
const WRONG = 'wrong-credential-value';

function expectNoSecrets(text: string, extra: string[] = []): void {
  for (const s of [...secretValues, ...extra]) expect(text).not.toContain(s);
}

describe('rest auth', () => {
  it('bearer: accepted, and a wrong token is a 401 config error that never shows the token', async () => {
    const ok = await readAll({ url: `${server.url}/auth/bearer`, auth: { type: 'bearer', token: SECRETS.token } });
    expect(ids(ok.rows)).toEqual([0, 1, 2]);
    const { error, ctx } = await readError({ url: `${server.url}/auth/bearer`, auth: { type: 'bearer', token: WRONG } });
    expect(error).toMatchObject({ status: 401, kind: 'config' });
    expect(error.hint).toMatch(/credentials/);
    expectNoSecrets(visibleText(error, ctx), [WRONG]);
  });

  it('basic: accepted from the connection; a wrong password is refused and hidden', async () => {
    const connection = { base_url: server.url, auth: { type: 'basic', user: SECRETS.user, password: SECRETS.password } };
    expect((await readAll({ path: 'auth/basic' }, { connection })).rows).toHaveLength(3);
    const { error, ctx } = await readError({ path: 'auth/basic' }, { connection: { ...connection, auth: { type: 'basic', user: 'etl', password: WRONG } } });
    expect(error).toMatchObject({ status: 401 });
    expectNoSecrets(visibleText(error, ctx), [WRONG, Buffer.from(`etl:${WRONG}`).toString('base64')]);
  });

  it('api_key in a header and in the query string; a key echoed back by the API is still hidden', async () => {
    const header = await readAll({ url: `${server.url}/auth/header-key`, auth: { type: 'api_key', name: 'X-API-Key', value: SECRETS.api_key } });
    expect(header.rows).toHaveLength(3);
    const query = await readAll({ url: `${server.url}/auth/query-key`, auth: { type: 'api_key', name: 'api_key', value: SECRETS.api_key, in: 'query' } });
    expect(query.rows).toHaveLength(3);
    const { error, ctx } = await readError({ url: `${server.url}/auth/query-key?x=1`, auth: { type: 'api_key', name: 'api_key', value: WRONG, in: 'query' } });
    expect(error).toMatchObject({ status: 403 });
    expect(error.message).toContain(`GET ${server.url}/auth/query-key?x=1&api_key=*** → 403 Forbidden: {"error":"invalid key ***"}`);
    expectNoSecrets(visibleText(error, ctx), [WRONG]);
    // registered for the engine's own redaction too
    expect(ctx.secrets.redact(`x ${WRONG} y`)).toBe('x *** y');
  });
});

describe('rest auth: oauth2 client credentials', () => {
  const auth = { type: 'oauth2', token_url: '', client_id: SECRETS.client_id, client_secret: SECRETS.client_secret, scope: 'read' };
  beforeEach(() => {
    server.oauth.issued = 0;
    server.oauth.token_uses = 1000;
    server.oauth.expires_in = 3600;
  });

  it('fetches one token and reuses it for every page', async () => {
    const { rows } = await readAll({ url: `${server.url}/auth/oauth`, pagination: { type: 'page' }, auth: { ...auth, token_url: `${server.url}/oauth/token` } });
    expect(ids(rows)).toEqual(range(TOTAL));
    expect(server.oauth.issued).toBe(1);
    const tokenRequest = server.seen.find((s) => s.url === '/oauth/token')!;
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({
      grant_type: 'client_credentials', client_id: SECRETS.client_id, client_secret: SECRETS.client_secret, scope: 'read',
    });
  });

  it('a token the API stops accepting (401) is refreshed once and the request retried', async () => {
    server.oauth.token_uses = 2;
    const before = server.seen.filter((s) => s.url.startsWith('/auth/oauth')).length;
    const { rows, ctx } = await readAll({ url: `${server.url}/auth/oauth`, pagination: { type: 'page' }, auth: { ...auth, token_url: `${server.url}/oauth/token` } });
    expect(ids(rows)).toEqual(range(TOTAL));
    // 6 pages (the last is empty), 2 per token: 3 tokens, and 2 refused requests retried
    expect(server.oauth.issued).toBe(3);
    expect(server.seen.filter((s) => s.url.startsWith('/auth/oauth')).length - before).toBe(8);
    expect(ctx.emitted.filter((e) => e.type === 'retry.scheduled')).toHaveLength(0);
    expectNoSecrets(JSON.stringify(ctx.emitted));
  });

  it('an expiring token is replaced before it expires (no 401 needed)', async () => {
    server.oauth.expires_in = 0.3;
    const before = server.seen.filter((s) => s.url.startsWith('/auth/oauth')).length;
    const { rows } = await readAll({ url: `${server.url}/auth/oauth`, pagination: { type: 'page' }, requests_per_second: 8, auth: { ...auth, token_url: `${server.url}/oauth/token` } });
    expect(ids(rows)).toEqual(range(TOTAL));
    expect(server.oauth.issued).toBeGreaterThanOrEqual(2);
    expect(server.seen.filter((s) => s.url.startsWith('/auth/oauth')).length - before).toBe(6);
  });

  it('a refused client secret is a config error naming the token URL, never the secret', async () => {
    const { error, ctx } = await readError({ url: `${server.url}/auth/oauth`, auth: { ...auth, client_secret: WRONG, token_url: `${server.url}/oauth/token` } });
    expect(error).toMatchObject({ code: 'E_REST_OAUTH', kind: 'config', status: 401 });
    expect(error.message).toContain(`oauth2 token request POST ${server.url}/oauth/token → 401`);
    expectNoSecrets(visibleText(error, ctx), [WRONG]);
  });

  it('credentials and headers are not sent to another origin named by a next-page link', async () => {
    const other = await startServer();
    try {
      const { rows } = await readAll({
        url: `${other.url}/jump?to=${encodeURIComponent(`${server.url}/jump`)}`, records: 'results',
        pagination: { type: 'next_url', next_path: 'next' },
        auth: { type: 'bearer', token: SECRETS.token }, headers: { 'X-Trace': 'yes' },
      });
      expect(ids(rows)).toEqual([100, 101]);
      expect(other.seen.at(-1)!.headers).toMatchObject({ authorization: `Bearer ${SECRETS.token}`, 'x-trace': 'yes' });
      const cross = server.seen.at(-1)!;
      expect(cross.url).toBe('/jump');
      expect(cross.headers.authorization).toBeUndefined();
      expect(cross.headers['x-trace']).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('redirects: followed with credentials on the same origin, without them to another origin', async () => {
    const same = await readAll({ url: `${server.url}/redirect?to=${encodeURIComponent('/auth/header-key')}`, auth: { type: 'api_key', name: 'X-API-Key', value: SECRETS.api_key } });
    expect(same.rows).toHaveLength(3);
    const other = await startServer();
    try {
      const { rows } = await readAll({
        url: `${server.url}/redirect?status=307&to=${encodeURIComponent(`${other.url}/jump`)}`, records: 'results',
        auth: { type: 'api_key', name: 'X-API-Key', value: SECRETS.api_key }, headers: { 'X-Trace': 'yes' },
      });
      expect(ids(rows)).toEqual([101]);
      expect(other.seen.at(-1)!.headers['x-api-key']).toBeUndefined();
      expect(other.seen.at(-1)!.headers['x-trace']).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
