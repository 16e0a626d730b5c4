import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csv } from '../../src/connectors/csv/index.js';
import type { ConnectorDefinition } from '../../src/connectors/define.js';
import { ndjson } from '../../src/connectors/ndjson/index.js';
import { rest } from '../../src/connectors/rest/index.js';
import { loadPipelineText } from '../../src/core/config/index.js';
import type { EtlEvent } from '../../src/core/events.js';
import { dryRunPipeline, runPipeline, type RunFailure } from '../../src/core/engine/index.js';
import type { Registry } from '../../src/registry.js';
import { createTestContext, type TestContext } from '../../src/testing/context.js';
import { range } from './helpers.js';
import { BIG, SECRETS, startServer, TOTAL, type TestServer } from './server.js';

const connectors = [rest, ndjson, csv] as unknown as ConnectorDefinition[];
const registry: Registry = {
  connectors, transforms: [],
  connector: (name) => connectors.find((c) => c.name === name),
  transform: () => undefined,
};

let server: TestServer;
let ctx: TestContext;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(() => ctx?.cleanup());

async function plan(yaml: string, environment: Record<string, string> = {}) {
  const file = join(ctx.dir, 'p.yml');
  writeFileSync(file, yaml);
  const result = await loadPipelineText(yaml, file, { registry, environment });
  expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  return result.plan!;
}

const lines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('rest in a pipeline (real engine)', () => {
  it('flaky paginated API → ndjson, incremental: every record once, then only newer ones', async () => {
    ctx = createTestContext();
    const p = await plan(`version: 1
name: api_copy
connections:
  api:
    type: rest
    base_url: ${server.url}
    auth: { type: api_key, name: api_key, value: "\${env:API_KEY}", in: query }
extract:
  type: rest
  connection: api
  path: flaky?run=pipeline
  pagination: { type: page, size: 5 }
  incremental_param: updated_since
  incremental: { column: updated_at }
load:
  type: ndjson
  path: out/items.ndjson
retry: { attempts: 5, initial_secs: 0.001, max_secs: 0.005, jitter: 0 }
`, { API_KEY: SECRETS.api_key });
    const events: EtlEvent[] = [];
    const first = await runPipeline(p, { signal: ctx.signal, events: (e) => events.push(e) });
    expect(first).toMatchObject({ status: 'ok', rows_read: TOTAL, rows_written: TOTAL });
    const out = lines(join(ctx.dir, 'out/items.ndjson'));
    expect(out.map((r) => r['id'])).toEqual(range(TOTAL));
    expect(readFileSync(join(ctx.dir, 'out/items.ndjson'), 'utf8')).toContain(`"big":${BIG}7`);
    expect(events.filter((e) => e.type === 'retry.scheduled').length).toBeGreaterThanOrEqual(15);
    expect(first.watermark?.saved).toBe('2024-03-23T10:00:00Z');
    expect(JSON.stringify(events)).not.toContain(SECRETS.api_key);
    const dry = await dryRunPipeline(p, { signal: ctx.signal, events: () => {} });
    expect(dry.source.summary).toContain(`rest GET ${server.url}/flaky?run=pipeline&updated_since=2024-03-23T10%3A00%3A00Z&page=1&api_key=***`);
    const second = await runPipeline(p, { signal: ctx.signal, events: () => {} });
    expect(second).toMatchObject({ status: 'ok', rows_read: 0 });
    const sent = server.seen.filter((s) => s.url.startsWith('/flaky?run=pipeline')).at(-1)!;
    expect(new URL(sent.url, server.url).searchParams.get('updated_since')).toBe('2024-03-23T10:00:00Z');
  });

  it('ndjson → rest sink: per-record errors go to the dead letter with their reason', async () => {
    ctx = createTestContext();
    writeFileSync(join(ctx.dir, 'people.ndjson'), range(6).map((i) => JSON.stringify({ id: i, email: i === 2 ? 'nobody' : `p${i}@x.org` })).join('\n'));
    const p = await plan(`version: 1
name: push_people
extract: { type: ndjson, path: people.ndjson }
load:
  type: rest
  url: ${server.url}/sink/indexed
  batch_size: 4
  errors_path: $.result.errors
errors:
  dead_letter: rejects.ndjson
  max_rejects: 5
`);
    const report = await runPipeline(p, { signal: ctx.signal, events: () => {} });
    expect(report).toMatchObject({ status: 'ok', rows_read: 6, rows_written: 5, rows_rejected: 1 });
    const dead = lines(join(ctx.dir, 'rejects.ndjson'));
    expect(dead).toHaveLength(1);
    expect(JSON.stringify(dead[0])).toContain('invalid email nobody');
  });

  it('ndjson → rest sink: with no max_rejects a refused record fails the run (exit 3)', async () => {
    ctx = createTestContext();
    writeFileSync(join(ctx.dir, 'people.ndjson'), range(6).map((i) => JSON.stringify({ id: i, email: i === 2 ? 'nobody' : `p${i}@x.org` })).join('\n'));
    const p = await plan(`version: 1
name: push_people_strict
extract: { type: ndjson, path: people.ndjson }
load: { type: rest, url: ${server.url}/sink/indexed, batch_size: 4, errors_path: $.result.errors }
errors: { dead_letter: rejects.ndjson }
`);
    const error = (await runPipeline(p, { signal: ctx.signal, events: () => {} }).then(() => undefined, (e: unknown) => e)) as RunFailure;
    expect(error).toMatchObject({ exitCode: 3 });
    expect(error.report).toMatchObject({ status: 'rejects_exceeded', rows_rejected: 1 });
    expect(error.message).toMatch(/refused a row: .*invalid email nobody/);
    expect(lines(join(ctx.dir, 'rejects.ndjson'))).toHaveLength(1);
  });

  it('a failing API fails the run with a redacted message', async () => {
    ctx = createTestContext();
    const p = await plan(`version: 1
name: api_fail
extract:
  type: rest
  url: ${server.url}/auth/query-key
  auth: { type: api_key, name: api_key, value: "\${env:API_KEY}", in: query }
load: { type: ndjson, path: out.ndjson }
`, { API_KEY: 'wrong-key-value' });
    const events: EtlEvent[] = [];
    const error = (await runPipeline(p, { signal: ctx.signal, events: (e) => events.push(e) }).then(() => undefined, (e: unknown) => e)) as RunFailure;
    expect(error).toMatchObject({ status: 403, exitCode: 1 });
    expect(error.report?.status).toBe('failed');
    expect(error.message).toContain(`GET ${server.url}/auth/query-key?api_key=*** → 403 Forbidden`);
    expect(JSON.stringify([error.message, error.hint, error.report, events])).not.toContain('wrong-key-value');
  });

  it('every example of the connector validates', async () => {
    ctx = createTestContext();
    for (const example of rest.examples) {
      const result = await loadPipelineText(example.yaml, join(ctx.dir, 'example.yml'), {
        registry, environment: { HELPDESK_TOKEN: 'x-token', BILLING_SECRET: 'x-secret', CRM_KEY: 'x-key' },
      });
      expect(result.issues, example.title).toEqual([]);
    }
  });

  it('lint: a stage without an absolute URL or a base_url, and body without POST', async () => {
    ctx = createTestContext();
    const result = await loadPipelineText(`version: 1
name: bad
extract: { type: rest, path: items, body: { a: 1 } }
load: { type: ndjson, path: out.ndjson }
`, join(ctx.dir, 'bad.yml'), { registry, environment: {} });
    expect(result.issues.map((i) => i.code).sort()).toEqual(['E_REST_BODY_NEEDS_POST', 'E_REST_NO_URL']);
  });

  it('lint: names the missing or unknown key of an auth or pagination of a given type', async () => {
    ctx = createTestContext();
    const result = await loadPipelineText(`version: 1
name: bad
connections:
  api: { type: rest, base_url: "https://x", auth: { type: bearer } }
extract: { type: rest, connection: api, path: items, pagination: { type: cursor, cursor_parm: c } }
load: { type: rest, url: "https://y", auth: { type: apikey, value: v } }
`, join(ctx.dir, 'bad.yml'), { registry, environment: {} });
    const own = result.issues.filter((i) => i.code.startsWith('E_REST_')).map((i) => [i.code, i.path, i.message]);
    expect(own).toEqual([
      ['E_REST_MISSING', '/connections/api/auth/token', '`auth` of type bearer needs `token`'],
      ['E_REST_MISSING', '/extract/pagination/cursor_path', '`pagination` of type cursor needs `cursor_path`'],
      ['E_REST_UNKNOWN_KEY', '/extract/pagination/cursor_parm', 'unknown key `cursor_parm` in `pagination` of type cursor'],
      ['E_REST_TYPE', '/load/auth/type', '`auth` type must be one of bearer, basic, api_key, oauth2 (got "apikey")'],
    ]);
  });
});
