import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { InterruptedError } from '../../src/core/errors.js';
import { collectBatches, createTestContext } from '../../src/testing/context.js';
import { FAST_RETRY, ids, range, readAll, readError, restRuntime } from './helpers.js';
import { BIG, startServer, TOTAL, type TestServer } from './server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const requestsTo = (path: string): string[] => server.seen.filter((s) => s.url.startsWith(`${path}?`) || s.url === path).map((s) => s.url);

describe('rest source: pagination', () => {
  it('page: every record once, in order, one batch per page, stops on a short page', async () => {
    const before = requestsTo('/page').length;
    const { rows, sizes } = await readAll({
      url: `${server.url}/page`, records: 'data.items',
      pagination: { type: 'page', param: 'page', size_param: 'per_page', size: 10 },
    });
    expect(ids(rows)).toEqual(range(TOTAL));
    expect(sizes).toEqual([10, 10, 3]);
    expect(requestsTo('/page').slice(before)).toEqual(['/page?per_page=10&page=1', '/page?per_page=10&page=2', '/page?per_page=10&page=3']);
  });

  it('page without size stops on the first empty page; max_pages caps it', async () => {
    const all = await readAll({ url: `${server.url}/page?per_page=10`, records: '$.data.items', pagination: { type: 'page' } });
    expect(ids(all.rows)).toEqual(range(TOTAL));
    expect(all.sizes).toEqual([10, 10, 3]);
    const capped = await readAll({ url: `${server.url}/page?per_page=10`, records: 'data.items', pagination: { type: 'page', max_pages: 2 } });
    expect(ids(capped.rows)).toEqual(range(20));
  });

  it('types: integers, exact big integers, timestamps, nested objects as json', async () => {
    const { rows } = await readAll({ url: `${server.url}/page?per_page=3`, records: 'data.items', pagination: { type: 'page', max_pages: 1 } });
    expect(rows[2]).toEqual({ id: 2, name: 'item 2', big: BigInt(`${BIG}2`), updated_at: '2024-03-03T10:00:00Z', nested: { n: 2 } });
  });

  it('offset: the body is the array ($); stops on a page shorter than limit', async () => {
    const before = requestsTo('/offset').length;
    const { rows } = await readAll({ url: `${server.url}/offset`, pagination: { type: 'offset', limit: 10 } });
    expect(ids(rows)).toEqual(range(TOTAL));
    expect(requestsTo('/offset').slice(before)).toEqual(['/offset?limit=10&offset=0', '/offset?limit=10&offset=10', '/offset?limit=10&offset=20']);
  });

  it('cursor: sends back the cursor found in the body until it is null', async () => {
    const before = requestsTo('/cursor').length;
    const { rows } = await readAll({ url: `${server.url}/cursor`, records: 'items', pagination: { type: 'cursor', cursor_path: 'meta.next', cursor_param: 'cursor' } });
    expect(ids(rows)).toEqual(range(TOTAL));
    expect(requestsTo('/cursor').slice(before)).toHaveLength(4);
  });

  it('next_url: follows relative next links', async () => {
    const { rows, sizes } = await readAll({ url: `${server.url}/next`, records: 'results', pagination: { type: 'next_url', next_path: 'links.next' } });
    expect(ids(rows)).toEqual(range(TOTAL));
    expect(sizes).toEqual([10, 10, 3]);
  });

  it('link_header: follows rel="next" among several links with quoted parameters', async () => {
    const before = requestsTo('/link').length;
    const { rows } = await readAll({ url: `${server.url}/link`, pagination: { type: 'link_header' } });
    expect(ids(rows)).toEqual(range(TOTAL));
    expect(requestsTo('/link').slice(before)).toEqual(['/link', '/link?p=2', '/link?p=3', '/link?p=4']);
  });

  it('a cursor the API repeats stops paging with a warning instead of looping', async () => {
    const { rows, ctx } = await readAll({ url: `${server.url}/loop`, records: 'items', pagination: { type: 'cursor', cursor_path: 'next' } });
    expect(rows).toHaveLength(4);
    expect(ctx.emitted.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      'rest: the API sent the same cursor twice (same); stopped paging',
    ]);
  });

  it('splits pages by batch_size and stops paging at --limit', async () => {
    const split = await readAll({ url: `${server.url}/page?per_page=10`, records: 'data.items', pagination: { type: 'page' } }, { batch_size: 4 });
    expect(split.sizes).toEqual([4, 4, 2, 4, 4, 2, 3]);
    expect(ids(split.rows)).toEqual(range(TOTAL));
    const before = requestsTo('/page').length;
    const limited = await readAll({ url: `${server.url}/page?per_page=10`, records: 'data.items', pagination: { type: 'page' } }, { limit: 12 });
    expect(ids(limited.rows)).toEqual(range(12));
    expect(requestsTo('/page').length - before).toBe(2);
  });
});

describe('rest source: failures', () => {
  it('a malformed page is a clear error with the page number and URL', async () => {
    const bad = await readError({ url: `${server.url}/malformed`, records: 'data.items', pagination: { type: 'page' } });
    expect(bad.error).toMatchObject({ code: 'E_REST_BAD_JSON' });
    expect(bad.error.message).toContain(`page 2 (GET ${server.url}/malformed?page=2)`);
    const missing = await readError({ url: `${server.url}/malformed`, records: 'data.items', pagination: { type: 'page', start: 3 } });
    expect(missing.error).toMatchObject({ code: 'E_REST_RECORDS' });
    expect(missing.error.message).toContain('page 1');
    expect(missing.error.message).toContain('data.items');
  });

  it('4xx is not retried: status, method, URL and the first 200 characters of the body', async () => {
    const before = requestsTo('/status').length;
    const { error } = await readError({ url: `${server.url}/status?code=400` });
    expect(requestsTo('/status').length - before).toBe(1);
    expect(error).toMatchObject({ code: 'E_HTTP_STATUS', kind: 'data', status: 400 });
    expect(error.message).toContain(`GET ${server.url}/status?code=400 → 400 Bad Request: {"error":"status 400"`);
    expect((error as { body?: string }).body).toHaveLength(200);
    const notFound = await readError({ url: `${server.url}/nowhere` });
    expect(notFound.error).toMatchObject({ kind: 'config', status: 404 });
    expect(notFound.error.hint).toMatch(/base_url/);
  });

  it('500 is not retried; 503 is retried up to the policy', async () => {
    const before = requestsTo('/status').length;
    await readError({ url: `${server.url}/status?code=500` });
    expect(requestsTo('/status').length - before).toBe(1);
    const { error, ctx } = await readError({ url: `${server.url}/status?code=503` }, { retry: { ...FAST_RETRY, attempts: 3 } });
    expect(requestsTo('/status').length - before).toBe(4);
    expect(error).toMatchObject({ status: 503 });
    expect(ctx.emitted.filter((e) => e.type === 'retry.scheduled')).toHaveLength(2);
  });

  it('429 + 503 bursts on every page: every record loaded exactly once', async () => {
    const { rows, ctx } = await readAll({ url: `${server.url}/flaky?run=a`, pagination: { type: 'page', size: 5 } });
    expect(ids(rows)).toEqual(range(TOTAL));
    const retries = ctx.emitted.filter((e) => e.type === 'retry.scheduled');
    expect(retries).toHaveLength(15); // 5 pages × (429, 503, 503)
    expect(retries[0]).toMatchObject({ stage: 'extract rest', attempt: 1, wait_ms: 0 });
  });

  it('honours Retry-After (seconds) as the wait', async () => {
    const started = performance.now();
    const { rows, ctx } = await readAll({ url: `${server.url}/flaky?run=b&wait=1`, pagination: { type: 'none' } });
    expect(rows).toHaveLength(5);
    expect(ctx.emitted.find((e) => e.type === 'retry.scheduled')).toMatchObject({ wait_ms: 1000 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a response slower than timeout_secs is aborted and retried; always slow → E_HTTP_TIMEOUT', async () => {
    const once = await readAll({ url: `${server.url}/slow?ms=3000&slow_times=1&k=1`, timeout_secs: 0.2 });
    expect(ids(once.rows)).toEqual([0, 1]);
    const started = performance.now();
    const { error } = await readError({ url: `${server.url}/slow?ms=3000&k=2`, timeout_secs: 0.2 }, { retry: { ...FAST_RETRY, attempts: 2 } });
    expect(error).toMatchObject({ code: 'E_HTTP_TIMEOUT', kind: 'transient' });
    expect(error.message).toContain('no complete answer within 0.2 s');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a body announced beyond the 100 MB cap stops the run without reading it', async () => {
    const { error } = await readError({ url: `${server.url}/huge` });
    expect(error).toMatchObject({ code: 'E_HTTP_BODY_TOO_LARGE' });
    expect(error.message).toContain('larger than 100 MB');
  });

  it('connection refused is a transient network error, retried then reported', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const { error, ctx } = await readError({ url: `http://127.0.0.1:${port}/x` }, { retry: { ...FAST_RETRY, attempts: 2 } });
    expect(error).toMatchObject({ code: 'E_HTTP_NETWORK', kind: 'transient' });
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(ctx.emitted.filter((e) => e.type === 'retry.scheduled')).toHaveLength(1);
  });

  it('stops with InterruptedError when the run is aborted mid-request', async () => {
    const ctx = createTestContext({ retry: FAST_RETRY });
    const rt = await restRuntime();
    setTimeout(() => ctx.controller.abort(), 100);
    await expect(collectBatches(rt.source!.read({ url: `${server.url}/slow?ms=3000&k=3` }, ctx))).rejects.toBeInstanceOf(InterruptedError);
    ctx.cleanup();
  });
});

describe('rest source: options', () => {
  it('rate limit spaces requests (lower bound on elapsed time)', async () => {
    const started = performance.now();
    const { rows } = await readAll({ url: `${server.url}/page`, records: 'data.items', pagination: { type: 'page', size_param: 'per_page', size: 2 }, requests_per_second: 20 });
    expect(ids(rows)).toEqual(range(TOTAL));
    // 12 requests at most 20/s: at least 11 intervals of 50 ms
    expect(performance.now() - started).toBeGreaterThanOrEqual(540);
  });

  it('incremental: sends the watermark and the upper bound, skips rows outside the window', async () => {
    const { rows } = await readAll(
      { url: `${server.url}/echo`, params: { status: 'open' }, incremental_param: 'updated_since', incremental_until_param: 'updated_before' },
      { incremental: { column: 'updated_at', after: '2024-02-01T00:00:00Z', until: '2024-12-31T00:00:00Z' } },
    );
    expect(rows).toHaveLength(1);
    const query = new URLSearchParams(String(rows[0]!['query']));
    expect(Object.fromEntries(query)).toEqual({ status: 'open', updated_since: '2024-02-01T00:00:00Z', updated_before: '2024-12-31T00:00:00Z' });
  });

  it('POST sends the JSON body; params go to the query string', async () => {
    const { rows } = await readAll({ url: `${server.url}/search`, method: 'POST', body: { q: 'x', n: 1 }, records: 'hits' });
    expect(rows).toEqual([{ method: 'POST', body: '{"q":"x","n":1}' }]);
  });

  it('describe() names the first request and the pagination; check() makes one request', async () => {
    const rt = await restRuntime();
    const ctx = createTestContext({ connection: { base_url: `${server.url}/`, auth: { type: 'api_key', name: 'api_key', value: 'secret-key-1', in: 'query' } } });
    const d = await rt.source!.describe!({ path: '/page', records: 'data.items', pagination: { type: 'page', size_param: 'per_page', size: 10 } }, ctx);
    expect(d.summary).toBe(`rest GET ${server.url}/page?per_page=10&page=1&api_key=*** (pagination: page (page=1, 2, …; per_page=10); records: data.items)`);
    const check = { signal: ctx.signal, pipeline: ctx.pipeline, path: '/extract', issue: () => { throw new Error('no issue expected'); } };
    expect(await rt.source!.check!({ url: `${server.url}/page`, records: 'data.items' }, check)).toEqual([]);
    await expect(rt.source!.check!({ url: `${server.url}/page`, records: 'nope' }, check)).rejects.toMatchObject({ code: 'E_REST_RECORDS' });
    ctx.cleanup();
  });
});
