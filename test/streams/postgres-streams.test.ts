import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/core/engine/index.js';
import { requireDatabaseUrl } from '../db/database.js';
import { uniqueName, withClient } from '../db/helpers.js';
import { ids, loadPlan, noEvents, readNdjson, tempDir } from './helpers.js';

const signal = new AbortController().signal;
let url: string;
let schema: string;

beforeAll(async () => {
  url = requireDatabaseUrl();
  schema = uniqueName('streams');
  await withClient(url, (c) => c.query(`
    CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.orders (id bigint PRIMARY KEY, amount numeric(10,2), updated_at timestamptz);
    CREATE TABLE ${schema}.customers (id int PRIMARY KEY, name text, updated_at timestamptz);
    CREATE TABLE ${schema}.items (id int PRIMARY KEY, sku text, updated_at timestamptz);
    INSERT INTO ${schema}.orders VALUES (1, 10.5, '2024-01-01Z'), (2, 20, '2024-01-02Z');
    INSERT INTO ${schema}.customers VALUES (1, 'ann', '2024-01-01Z'), (2, 'bob', '2024-01-02Z'), (3, 'cy', '2024-01-03Z');
    INSERT INTO ${schema}.items VALUES (1, 'A-1', '2024-01-01Z');
  `));
});

afterAll(async () => {
  if (url) await withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
});

const yaml = (streams: string, state = '') => `version: 1
name: pg_copy_${schema}
connections:
  src: { type: postgres, url: "\${env:SRC_URL}" }
extract:
  type: postgres
  connection: src
  streams: ${streams}
  incremental: { column: updated_at }
load:
  type: ndjson
  path: out/{stream_table}.ndjson
  mode: append
parallelism: 3
${state}`;

describe('streams from postgres', () => {
  it('a pattern expands from information_schema; a list gives the same files', async () => {
    const dir = tempDir('streams-pg');
    const plan = await loadPlan(dir, yaml(`"${schema}.*"`), { SRC_URL: url });
    const report = await runPipeline(plan, { signal, events: noEvents });
    expect(report.streams!.map((s) => s.stream)).toEqual(['customers', 'items', 'orders'].map((t) => `${schema}.${t}`));
    expect(report).toMatchObject({ status: 'ok', rows_read: 6, rows_written: 6 });
    expect(readNdjson(join(dir, 'out/orders.ndjson'))).toEqual([
      { id: 1, amount: '10.50', updated_at: '2024-01-01T00:00:00Z' },
      { id: 2, amount: '20.00', updated_at: '2024-01-02T00:00:00Z' },
    ]);
    const listed = tempDir('streams-pg-list');
    const byList = await loadPlan(listed, yaml(`[${schema}.orders, ${schema}.customers, ${schema}.items]`), { SRC_URL: url });
    await runPipeline(byList, { signal, events: noEvents });
    for (const t of ['orders', 'customers', 'items']) {
      expect(readNdjson(join(listed, `out/${t}.ndjson`))).toEqual(readNdjson(join(dir, `out/${t}.ndjson`)));
    }
  });

  it('state in a postgres table: one row per stream, moved only after the sink committed', async () => {
    const dir = tempDir('streams-pg-state');
    const table = `${schema}.etl_state`;
    const plan = await loadPlan(dir, yaml(`[${schema}.orders, ${schema}.items]`, `state: { connection: src, table: ${table} }\n`), { SRC_URL: url });
    const state = () => withClient(url, async (c) => (await c.query(`SELECT pipeline, stream, watermark, run_id FROM ${table} ORDER BY stream`)).rows);
    const first = await runPipeline(plan, { signal, events: noEvents });
    expect(await state()).toEqual([
      { pipeline: plan.name, stream: `${schema}.items`, watermark: '2024-01-01T00:00:00Z', run_id: first.run_id },
      { pipeline: plan.name, stream: `${schema}.orders`, watermark: '2024-01-02T00:00:00Z', run_id: first.run_id },
    ]);
    await withClient(url, (c) => c.query(`INSERT INTO ${schema}.orders VALUES (3, 5, '2024-02-01Z'); INSERT INTO ${schema}.items VALUES (2, 'B-2', '2024-02-01Z')`));
    // the orders target cannot be renamed into place: its sink fails, its watermark must stay
    rmSync(join(dir, 'out/orders.ndjson'));
    mkdirSync(join(dir, 'out/orders.ndjson'));
    const err = await runPipeline(plan, { signal, events: noEvents }).catch((e: unknown) => e);
    expect(err).toMatchObject({ exitCode: 1 });
    expect((await state()).map((r) => r.watermark)).toEqual(['2024-02-01T00:00:00Z', '2024-01-02T00:00:00Z']);
    rmSync(join(dir, 'out/orders.ndjson'), { recursive: true });
    const third = await runPipeline(plan, { signal, events: noEvents });
    expect(third.streams!.map((s) => [s.stream, s.rows_read])).toEqual([[`${schema}.orders`, 1], [`${schema}.items`, 0]]);
    expect(ids(readNdjson(join(dir, 'out/orders.ndjson')))).toEqual([3]);
    expect(ids(readNdjson(join(dir, 'out/items.ndjson')))).toEqual([1, 2]);
    expect((await state()).map((r) => r.watermark)).toEqual(['2024-02-01T00:00:00Z', '2024-02-01T00:00:00Z']);
  });

  it('state table without streams (stream ""), and its advisory lock keeps a second machine out (exit 4)', async () => {
    const dir = tempDir('streams-pg-lock');
    const table = `${schema}.run_state`;
    const plan = await loadPlan(dir, `version: 1
name: pg_single_${schema}
connections:
  src: { type: postgres, url: "\${env:SRC_URL}" }
extract: { type: postgres, connection: src, table: ${schema}.customers, incremental: { column: id } }
load: { type: ndjson, path: out/customers.ndjson }
state: { connection: src, table: ${table} }
`, { SRC_URL: url });
    const key = `etl-cli run ${table} ${plan.name}`;
    await withClient(url, async (other) => {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
      const err = await runPipeline(plan, { signal, events: noEvents }).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 4, message: expect.stringContaining('holds its database lock') });
      expect(readNdjson(join(dir, 'out/customers.ndjson'))).toEqual([]);
    });
    const report = await runPipeline(plan, { signal, events: noEvents });
    expect(report.watermark).toMatchObject({ column: 'id', saved: '3' });
    const rows = await withClient(url, async (c) => (await c.query(`SELECT stream, watermark FROM ${table} WHERE pipeline = $1`, [plan.name])).rows);
    expect(rows).toEqual([{ stream: '', watermark: '3' }]);
  });
});
