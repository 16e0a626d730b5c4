import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres } from '../../src/connectors/postgres/index.js';
import type { SourceRuntime } from '../../src/connectors/define.js';
import { dryRunPipeline, runPipeline } from '../../src/core/engine/index.js';
import type { Row } from '../../src/core/records/types.js';
import { requireDatabaseUrl } from '../db/database.js';
import { pgContext, uniqueName, withClient } from '../db/helpers.js';
import { loadPlan, noEvents, readNdjson, tempDir } from './helpers.js';
import { join } from 'node:path';

let url: string;
let table: string;
let source: SourceRuntime;
let expected: { count: number; sum: bigint };

beforeAll(async () => {
  url = requireDatabaseUrl();
  table = uniqueName('part');
  source = (await postgres.load()).source!;
  // skewed keys: 3000 rows packed in 1…3000, 40 far out near 1e9, 5 NULL keys, 2 negative
  await withClient(url, async (c) => {
    await c.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, k bigint, at timestamptz)`);
    await c.query(`INSERT INTO ${table} (k, at) SELECT g, timestamptz '2024-01-01Z' + g * interval '1 second' FROM generate_series(1, 3000) g`);
    await c.query(`INSERT INTO ${table} (k, at) SELECT 1000000000 + g, timestamptz '2024-06-01Z' + g * interval '1 day' FROM generate_series(1, 40) g`);
    await c.query(`INSERT INTO ${table} (k, at) SELECT NULL, NULL FROM generate_series(1, 5)`);
    await c.query(`INSERT INTO ${table} (k, at) VALUES (-7, '2023-12-31Z'), (-3, '2023-12-31Z')`);
    const r = await c.query<{ n: string; s: string }>(`SELECT count(*)::text AS n, sum(id)::text AS s FROM ${table}`);
    expected = { count: Number(r.rows[0]!.n), sum: BigInt(r.rows[0]!.s) };
  });
});

afterAll(async () => {
  if (url) await withClient(url, (c) => c.query(`DROP TABLE IF EXISTS ${table}`));
});

async function readAll(options: Record<string, unknown>, incremental?: { column: string; after?: string }): Promise<Row[]> {
  const ctx = pgContext(url, { batch_size: 250, ...(incremental ? { incremental } : {}) });
  const rows: Row[] = [];
  for await (const batch of source.read(options, ctx)) rows.push(...batch.rows);
  return rows;
}

const totals = (rows: readonly Row[]) => ({ count: rows.length, sum: rows.reduce((s, r) => s + BigInt(r['id'] as number), 0n) });

describe('partitioned postgres reads', () => {
  it.each([1, 3, 7])('count %i returns every row exactly once (skewed integer key, NULL keys)', async (count) => {
    const rows = await readAll({ table, partition: { column: 'k', count } });
    expect(totals(rows)).toEqual(expected);
    expect(new Set(rows.map((r) => r['id'])).size).toBe(expected.count);
  });

  it('splits a timestamp key and applies the incremental window to every range', async () => {
    const rows = await readAll({ table, partition: { column: 'at', count: 7 } }, { column: 'at', after: '2024-01-01T00:30:00Z' });
    const want = await withClient(url, async (c) => (await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE at > '2024-01-01T00:30:00Z'`)).rows[0]!.n);
    expect(rows.length).toBe(Number(want));
    expect(new Set(rows.map((r) => r['id'])).size).toBe(rows.length);
    expect(rows.every((r) => String(r['at']) > '2024-01-01T00:30:00')).toBe(true);
  });

  it('in a pipeline: dry-run shows the range statements, run loads every row once and saves the max watermark', async () => {
    const dir = tempDir('partition');
    const plan = await loadPlan(dir, `version: 1
name: part_copy
connections:
  src: { type: postgres, url: "\${env:SRC_URL}" }
extract:
  type: postgres
  connection: src
  table: ${table}
  partition: { column: k, count: 3 }
  incremental: { column: id }
load: { type: ndjson, path: out/rows.ndjson }
`, { SRC_URL: url });
    const dry = await dryRunPipeline(plan, { signal: new AbortController().signal, events: noEvents });
    expect(dry.source.summary).toContain('in up to 3 ranges of k, read in parallel (unordered)');
    expect(dry.source.statements![0]).toMatch(/^SELECT min\(w\."k"\)::text AS lo, max\(w\."k"\)::text AS hi/);
    const report = await runPipeline(plan, { signal: new AbortController().signal, events: noEvents });
    expect(report.rows_written).toBe(expected.count);
    expect(totals(readNdjson(join(dir, 'out/rows.ndjson')) as Row[])).toEqual(expected);
    expect(report.watermark?.saved).toBe(String(expected.count));
  });

  it('refuses a key that is not an integer, date or timestamp', async () => {
    await withClient(url, (c) => c.query(`ALTER TABLE ${table} ADD COLUMN label text DEFAULT 'x'`));
    await expect(readAll({ table, partition: { column: 'label', count: 2 } })).rejects.toMatchObject({ code: 'E_PG_PARTITION_TYPE' });
  });
});
