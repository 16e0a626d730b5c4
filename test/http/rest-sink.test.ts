import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordBatch, RecordSchema, Row } from '../../src/core/records/types.js';
import { createTestContext, type TestContext } from '../../src/testing/context.js';
import { FAST_RETRY, restRuntime, visibleText } from './helpers.js';
import { SECRETS, startServer, type TestServer } from './server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
});

const schema: RecordSchema = { columns: [{ name: 'id', type: 'integer' }, { name: 'email', type: 'string' }] };
const people = (n: number, bad: (i: number) => boolean = () => false): Row[] =>
  Array.from({ length: n }, (_, i) => ({ id: i, email: bad(i) ? `person${i}` : `p${i}@x.org` }));

async function* batches(rows: readonly Row[], size = 7): AsyncGenerator<RecordBatch> {
  for (let i = 0; i < rows.length; i += size) {
    const part = rows.slice(i, i + size);
    yield { schema, rows: part, origin: part.map((_, k) => ({ row: i + k + 1 })) };
  }
}

async function write(options: Record<string, unknown>, rows: readonly Row[], connection?: Record<string, unknown>): Promise<{ ctx: TestContext; written: number }> {
  const ctx = createTestContext({ retry: FAST_RETRY, stage: 'load rest', ...(connection ? { connection } : {}) });
  const rt = await restRuntime();
  const plan = await rt.sink!.plan({ mode: 'append', ...options }, schema, ctx);
  const result = await rt.sink!.apply(plan, batches(rows), ctx);
  ctx.cleanup();
  return { ctx, written: result.rows_written };
}

describe('rest sink', () => {
  it('posts JSON arrays of batch_size; [{index, error}] at errors_path become rejects with the reason', async () => {
    const rows = people(10, (i) => i === 3 || i === 8);
    const { ctx, written } = await write({ url: `${server.url}/sink/indexed`, batch_size: 4, errors_path: 'result.errors' }, rows);
    expect(server.received).toEqual(rows);
    expect(written).toBe(8);
    expect(ctx.rejects.map((r) => [r.record, r.reason, r.position])).toEqual([
      [rows[3], 'batch 1 (4 records): invalid email person3', { row: 4 }],
      [rows[8], 'batch 3 (2 records): invalid email person8', { row: 9 }],
    ]);
    const bodies = server.seen.filter((s) => s.url === '/sink/indexed').slice(-3);
    expect(bodies.map((b) => (JSON.parse(b.body) as unknown[]).length)).toEqual([4, 4, 2]);
    expect(bodies[0]!.headers['content-type']).toBe('application/json');
  });

  it('reads an error list parallel to the request', async () => {
    const rows = people(5, (i) => i === 0);
    const { ctx, written } = await write({ url: `${server.url}/sink/parallel`, errors_path: '$', method: 'PUT' }, rows);
    expect(written).toBe(4);
    expect(ctx.rejects).toHaveLength(1);
    expect(ctx.rejects[0]).toMatchObject({ record: rows[0], reason: 'batch 1 (5 records): no @' });
    expect(server.seen.at(-1)!.method).toBe('PUT');
  });

  it('a 4xx for a whole batch rejects every record of it with the status; other batches are written', async () => {
    const rows: Row[] = Array.from({ length: 9 }, (_, i) => ({ id: i, bad: i === 4 }));
    const { ctx, written } = await write({ url: `${server.url}/sink/strict`, batch_size: 3 }, rows);
    expect(written).toBe(6);
    expect(server.received).toEqual([...rows.slice(0, 3), ...rows.slice(6)]);
    expect(ctx.rejects.map((r) => r.record)).toEqual(rows.slice(3, 6));
    expect(ctx.rejects[0]!.reason).toContain(`batch 2 (3 records): POST ${server.url}/sink/strict → 422 Unprocessable Entity: {"error":"batch contains a bad record"}`);
  });

  it('webhook style: one object per request, concurrency at a time, errors per record', async () => {
    const rows = people(12, (i) => i === 5).map((r) => ({ ...r, delay: 100 }));
    const started = performance.now();
    const { ctx, written } = await write({ url: `${server.url}/hook`, body_format: 'object', errors_path: 'error', concurrency: 4 }, rows);
    const elapsed = performance.now() - started;
    expect(written).toBe(11);
    expect([...server.received].sort((a, b) => (a as Row)['id'] as number - ((b as Row)['id'] as number))).toEqual(rows);
    expect(ctx.rejects).toEqual([{ record: rows[5], reason: 'record 6: bad email', position: { row: 6 } }]);
    expect(elapsed).toBeLessThan(1100); // 12 × 100 ms one at a time would take 1.2 s
  });

  it('retries a 503 per record, so every record arrives exactly once', async () => {
    const rows = people(6);
    const { ctx, written } = await write({ url: `${server.url}/hook/flaky`, body_format: 'object', concurrency: 2 }, rows);
    expect(written).toBe(6);
    expect(server.received).toHaveLength(6);
    expect(new Set(server.received.map((r) => (r as Row)['id']))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(ctx.emitted.filter((e) => e.type === 'retry.scheduled')).toHaveLength(6);
  });

  it('writes big integers exactly and sends connection auth', async () => {
    const ctx = createTestContext({ retry: FAST_RETRY, connection: { base_url: server.url, auth: { type: 'bearer', token: SECRETS.token } } });
    const rt = await restRuntime();
    const s: RecordSchema = { columns: [{ name: 'id', type: 'integer' }] };
    const plan = await rt.sink!.plan({ path: 'sink/strict', mode: 'append' }, s, ctx);
    async function* one(): AsyncGenerator<RecordBatch> {
      yield { schema: s, rows: [{ id: 9007199254740993n }] };
    }
    expect(await rt.sink!.apply(plan, one(), ctx)).toEqual({ rows_written: 1, target: `POST ${server.url}/sink/strict` });
    expect(server.seen.at(-1)!.body).toBe('[{"id":9007199254740993}]');
    expect(server.seen.at(-1)!.headers.authorization).toBe(`Bearer ${SECRETS.token}`);
    ctx.cleanup();
  });

  it('plan() says what it will do, including that it cannot roll back', async () => {
    const ctx = createTestContext();
    const rt = await restRuntime();
    const plan = await rt.sink!.plan({ url: `${server.url}/sink?api_key=${SECRETS.api_key}`, mode: 'append', batch_size: 50, errors_path: 'errors' }, schema, ctx);
    expect(plan.target).toBe(`POST ${server.url}/sink?api_key=***`);
    expect(plan.steps).toEqual([
      `POST ${server.url}/sink?api_key=***: send records as JSON arrays of up to 50`,
      'reject the records listed at errors in each answer',
      'no rollback: if the run fails, batches already sent stay delivered (use an idempotent API or keys)',
    ]);
    ctx.cleanup();
  });

  it('401 stops the run (configuration), without rejecting rows or showing the token', async () => {
    const ctx = createTestContext({ retry: FAST_RETRY });
    const rt = await restRuntime();
    const plan = await rt.sink!.plan({ url: `${server.url}/auth/bearer`, mode: 'append', auth: { type: 'bearer', token: 'not-the-right-token' } }, schema, ctx);
    const error = await rt.sink!.apply(plan, batches(people(3)), ctx).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ status: 401, kind: 'config' });
    expect(ctx.rejects).toHaveLength(0);
    expect(visibleText(error, ctx)).not.toContain('not-the-right-token');
    ctx.cleanup();
  });

  it('an unrecognised errors_path shape stops the run instead of guessing', async () => {
    const ctx = createTestContext({ retry: FAST_RETRY });
    const rt = await restRuntime();
    const plan = await rt.sink!.plan({ url: `${server.url}/sink/parallel`, mode: 'append', errors_path: '$', batch_size: 2 }, schema, ctx);
    // 3 rows in one batch of 2 + one of 1 works; force a mismatch with a wrapper path
    const bad = await rt.sink!.plan({ url: `${server.url}/sink/indexed`, mode: 'append', errors_path: 'result', batch_size: 2 }, schema, ctx);
    await expect(rt.sink!.apply(bad, batches(people(2, () => true)), ctx)).rejects.toMatchObject({ code: 'E_REST_ERRORS_SHAPE' });
    expect((await rt.sink!.apply(plan, batches(people(3)), ctx)).rows_written).toBe(3);
    ctx.cleanup();
  });

  it('check(): sink OPTIONS and connection checks report refused credentials and unreachable hosts', async () => {
    const rt = await restRuntime();
    const ctx = createTestContext();
    const check = { signal: ctx.signal, pipeline: ctx.pipeline, path: '/load', issue: () => { throw new Error('unexpected'); } };
    expect(await rt.sink!.check!({ url: `${server.url}/sink/indexed` }, check)).toEqual([]);
    await expect(rt.sink!.check!({ url: `${server.url}/auth/bearer`, auth: { type: 'bearer', token: 'nope-nope' } }, check)).rejects.toMatchObject({ status: 401 });
    const oauth = { type: 'oauth2', token_url: `${server.url}/oauth/token`, client_id: SECRETS.client_id, client_secret: SECRETS.client_secret };
    expect(await rt.checkConnection!({ base_url: server.url, auth: oauth }, check)).toEqual([]);
    await expect(rt.checkConnection!({ base_url: server.url, auth: { ...oauth, client_secret: 'bad-secret' } }, check)).rejects.toMatchObject({ code: 'E_REST_OAUTH' });
    await expect(rt.checkConnection!({ base_url: 'http://127.0.0.1:9/' }, check)).rejects.toMatchObject({ code: 'E_HTTP_NETWORK' });
    ctx.cleanup();
  });
});
