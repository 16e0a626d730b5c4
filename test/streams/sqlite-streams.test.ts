import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkPipeline, debugPipeline, dryRunPipeline, runPipeline } from '../../src/core/engine/index.js';
import type { EtlEvent } from '../../src/core/events.js';
import { fileStateStore } from '../../src/core/state/index.js';
import type { RunFailure } from '../../src/core/engine/index.js';
import { ids, issuesOf, loadPlan, noEvents, readNdjson, sqliteAll, sqliteExec, tempDir } from './helpers.js';

let dir: string;
const signal = new AbortController().signal;

function seed(db: string): void {
  sqliteExec(db, `
    CREATE TABLE orders (id INTEGER PRIMARY KEY, amount TEXT, updated_at TEXT);
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, updated_at TEXT);
    CREATE TABLE items (id INTEGER PRIMARY KEY, sku TEXT, updated_at TEXT);
    CREATE TABLE audit_log (id INTEGER PRIMARY KEY, note TEXT, updated_at TEXT);
    INSERT INTO orders VALUES (1, '10.50', '2024-01-01T00:00:00Z'), (2, '20.00', '2024-01-02T00:00:00Z');
    INSERT INTO customers VALUES (1, 'ann', '2024-01-01T00:00:00Z'), (2, 'bob', '2024-01-02T00:00:00Z'), (3, 'cy', '2024-01-03T00:00:00Z');
    INSERT INTO items VALUES (1, 'A-1', '2024-01-01T00:00:00Z');
  `);
}

const pipeline = (streams: string, extra = '') => `version: 1
name: shop_copy
connections:
  src: { type: sqlite, path: shop.db }
extract:
  type: sqlite
  connection: src
  streams: ${streams}
  incremental: { column: updated_at }
load:
  type: ndjson
  path: out/{stream}.ndjson
  mode: append
parallelism: 2
${extra}`;

beforeEach(() => {
  dir = tempDir('streams-sqlite');
  seed(join(dir, 'shop.db'));
});

describe('streams: one pipeline, one target per table (sqlite)', () => {
  it('a list of 3 streams writes 3 files with each table\'s rows, and reports each stream', async () => {
    const plan = await loadPlan(dir, pipeline('[orders, customers, items]'));
    const report = await runPipeline(plan, { signal, events: noEvents });
    expect(report).toMatchObject({ status: 'ok', rows_read: 6, rows_written: 6, exit_code: 0 });
    expect(ids(readNdjson(join(dir, 'out/orders.ndjson')))).toEqual([1, 2]);
    expect(ids(readNdjson(join(dir, 'out/customers.ndjson')))).toEqual([1, 2, 3]);
    expect(readNdjson(join(dir, 'out/items.ndjson'))).toEqual([{ id: 1, sku: 'A-1', updated_at: '2024-01-01T00:00:00Z' }]);
    expect(report.streams!.map((s) => [s.stream, s.status, s.rows_written, s.watermark])).toEqual([
      ['orders', 'ok', 2, '2024-01-02T00:00:00Z'],
      ['customers', 'ok', 3, '2024-01-03T00:00:00Z'],
      ['items', 'ok', 1, '2024-01-01T00:00:00Z'],
    ]);
    const state = JSON.parse(readFileSync(join(dir, '.etl-cli/shop_copy.state.json'), 'utf8'));
    expect(Object.keys(state.watermarks).sort()).toEqual(['customers', 'items', 'orders']);
    expect(state.watermarks.orders).toMatchObject({ watermark: '2024-01-02T00:00:00Z', column: 'updated_at', run_id: report.run_id });
  });

  it('a pattern is expanded from the catalog (sorted), and dry-run lists it without writing', async () => {
    const plan = await loadPlan(dir, pipeline('"*s"'));
    const dry = await dryRunPipeline(plan, { signal, events: noEvents });
    expect(dry.streams!.map((s) => s.stream)).toEqual(['customers', 'items', 'orders']);
    expect(dry.source.summary).toBe('3 streams: customers, items, orders');
    expect(dry.sinks.map((s) => s.target)).toEqual(['out/customers.ndjson', 'out/items.ndjson', 'out/orders.ndjson']);
    expect(dry.rows_read).toBe(6);
    expect(readNdjson(join(dir, 'out/orders.ndjson'))).toEqual([]);
    const report = await runPipeline(plan, { signal, events: noEvents });
    expect(report.streams!.map((s) => s.stream)).toEqual(['customers', 'items', 'orders']);
    expect(ids(readNdjson(join(dir, 'out/customers.ndjson')))).toEqual([1, 2, 3]);
    expect(readNdjson(join(dir, 'out/audit_log.ndjson'))).toEqual([]);
  });

  it('per-stream watermarks: three runs with new rows in between load every row once per stream', async () => {
    const db = join(dir, 'shop.db');
    const plan = await loadPlan(dir, pipeline('[orders, customers, items]'));
    await runPipeline(plan, { signal, events: noEvents });
    sqliteExec(db, `INSERT INTO orders VALUES (3, '5.00', '2024-02-01T00:00:00Z');
      INSERT INTO items VALUES (2, 'B-2', '2024-02-01T00:00:00Z'), (3, 'C-3', '2024-02-02T00:00:00Z');`);
    const second = await runPipeline(plan, { signal, events: noEvents });
    expect(second.streams!.map((s) => s.rows_read)).toEqual([1, 0, 2]);
    sqliteExec(db, `INSERT INTO customers VALUES (4, 'dee', '2024-03-01T00:00:00Z');
      UPDATE orders SET amount = '6.00', updated_at = '2024-03-01T00:00:00Z' WHERE id = 1;`);
    const third = await runPipeline(plan, { signal, events: noEvents });
    expect(third.streams!.map((s) => s.rows_read)).toEqual([1, 1, 0]);
    expect(ids(readNdjson(join(dir, 'out/orders.ndjson')))).toEqual([1, 1, 2, 3]); // id 1 changed: read again, once
    expect(ids(readNdjson(join(dir, 'out/customers.ndjson')))).toEqual([1, 2, 3, 4]);
    expect(ids(readNdjson(join(dir, 'out/items.ndjson')))).toEqual([1, 2, 3]);
  });

  it('into one sqlite database (one writer at a time, whatever parallelism): each row once per table, appended', async () => {
    const yaml = pipeline('[orders, customers, items]').replace('type: ndjson\n  path: out/{stream}.ndjson', 'type: sqlite\n  path: warehouse.db\n  table: "copy_{stream}"');
    const plan = await loadPlan(dir, yaml);
    const events: EtlEvent[] = [];
    await runPipeline(plan, { signal, events: (e) => events.push(e) });
    expect(events).toContainEqual({ type: 'info', message: 'streams run one at a time: load sqlite takes one writer at a time (parallelism 2 ignored)' });
    sqliteExec(join(dir, 'shop.db'), "INSERT INTO items VALUES (2, 'B-2', '2024-02-01T00:00:00Z');");
    const second = await runPipeline(plan, { signal, events: noEvents });
    expect(second.targets.map((t) => [t.target, t.rows_written])).toEqual([['warehouse.db:copy_orders', 0], ['warehouse.db:copy_customers', 0], ['warehouse.db:copy_items', 1]]);
    const wh = join(dir, 'warehouse.db');
    expect(ids(sqliteAll(wh, 'SELECT id FROM copy_items'))).toEqual([1, 2]);
    expect(ids(sqliteAll(wh, 'SELECT id FROM copy_customers'))).toEqual([1, 2, 3]);
  });

  it('a failing stream fails the run (exit 1) but the others commit; its watermark stays', async () => {
    const db = join(dir, 'shop.db');
    const plan = await loadPlan(dir, pipeline('[orders, customers, items]'));
    await runPipeline(plan, { signal, events: noEvents });
    sqliteExec(db, `INSERT INTO orders VALUES (3, '5.00', '2024-02-01T00:00:00Z');
      INSERT INTO customers VALUES (4, 'dee', '2024-02-01T00:00:00Z');
      INSERT INTO items VALUES (2, 'B-2', '2024-02-01T00:00:00Z');`);
    // the customers target cannot be renamed into place: its sink fails at commit
    rmSync(join(dir, 'out/customers.ndjson'));
    mkdirSync(join(dir, 'out/customers.ndjson'));
    const err = (await runPipeline(plan, { signal, events: noEvents }).catch((e: unknown) => e)) as RunFailure;
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/^1 of 3 streams failed \(customers\); customers: /);
    expect(err.report!.streams!.map((s) => [s.stream, s.status])).toEqual([['orders', 'ok'], ['customers', 'failed'], ['items', 'ok']]);
    const state = JSON.parse(readFileSync(join(dir, '.etl-cli/shop_copy.state.json'), 'utf8'));
    expect(state.watermarks.orders.watermark).toBe('2024-02-01T00:00:00Z');
    expect(state.watermarks.items.watermark).toBe('2024-02-01T00:00:00Z');
    expect(state.watermarks.customers.watermark).toBe('2024-01-03T00:00:00Z');
    // fixed: the next run loads customers' missed row, and nothing twice elsewhere
    rmSync(join(dir, 'out/customers.ndjson'), { recursive: true });
    const next = await runPipeline(plan, { signal, events: noEvents });
    expect(next.streams!.map((s) => s.rows_read)).toEqual([0, 1, 0]);
    expect(ids(readNdjson(join(dir, 'out/orders.ndjson')))).toEqual([1, 2, 3]);
    expect(ids(readNdjson(join(dir, 'out/customers.ndjson')))).toEqual([4]);
  });

  it('state in a sqlite table: saved per stream after commit, unchanged when the sink fails', async () => {
    const state = '\nstate: { connection: st, table: etl_state }\n';
    const yaml = pipeline('[orders, items]').replace('connections:\n', 'connections:\n  st: { type: sqlite, path: state.db }\n') + state;
    const plan = await loadPlan(dir, yaml);
    await runPipeline(plan, { signal, events: noEvents });
    const rows = () => sqliteAll(join(dir, 'state.db'), 'SELECT pipeline, stream, watermark FROM etl_state ORDER BY stream');
    expect(rows()).toEqual([
      { pipeline: 'shop_copy', stream: 'items', watermark: '2024-01-01T00:00:00Z' },
      { pipeline: 'shop_copy', stream: 'orders', watermark: '2024-01-02T00:00:00Z' },
    ]);
    sqliteExec(join(dir, 'shop.db'), "INSERT INTO orders VALUES (3, '5.00', '2024-02-01T00:00:00Z'); INSERT INTO items VALUES (2, 'B-2', '2024-02-01T00:00:00Z');");
    rmSync(join(dir, 'out'), { recursive: true });
    mkdirSync(join(dir, 'out/orders.ndjson'), { recursive: true });
    mkdirSync(join(dir, 'out/items.ndjson'), { recursive: true });
    await expect(runPipeline(plan, { signal, events: noEvents })).rejects.toMatchObject({ exitCode: 1 });
    expect(rows().map((r) => r['watermark'])).toEqual(['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z']);
  });
});

describe('streams: interrupts, checks, debug, state', () => {
  it('an interrupt stops the run (exit 130): streams not started are skipped, the committed one keeps its watermark', async () => {
    const plan = await loadPlan(dir, pipeline('[orders, customers, items]').replace('parallelism: 2', 'parallelism: 1'));
    const controller = new AbortController();
    const events = (e: EtlEvent) => { if (e.type === 'info' && e.message.startsWith('stream orders:')) controller.abort(); };
    const err = (await runPipeline(plan, { signal: controller.signal, events }).catch((e: unknown) => e)) as RunFailure;
    expect(err.exitCode).toBe(130);
    expect(err.report!.streams!.map((s) => [s.stream, s.status])).toEqual([['orders', 'ok'], ['customers', 'skipped'], ['items', 'skipped']]);
    const store = fileStateStore(plan);
    expect(Object.keys(await store.readAll(plan.name))).toEqual(['orders']);
    expect(await store.reset(plan.name, 'orders')).toBe(true);
    expect(await store.readAll(plan.name)).toEqual({});
  });

  it('validate --connections checks every listed table; a pattern that matches nothing fails the run', async () => {
    const plan = await loadPlan(dir, pipeline('[orders, nope]'));
    const issues = await checkPipeline(plan, { signal });
    expect(issues.map((i) => [i.code, i.message])).toEqual([['E_SQLITE_NO_TABLE', expect.stringContaining('"nope" does not exist')]]);
    const none = await loadPlan(dir, pipeline('"zz*"'));
    await expect(runPipeline(none, { signal, events: noEvents })).rejects.toMatchObject({ code: 'E_STREAMS_EMPTY', exitCode: 1 });
  });

  it('debug shows the first stream', async () => {
    const plan = await loadPlan(dir, pipeline('[customers, orders]'));
    const seen: string[] = [];
    await debugPipeline(plan, { signal, events: noEvents, on_stage: async (s) => { seen.push(`${s.stage}:${s.rows}`); } });
    expect(seen).toEqual(['extract sqlite [customers]:3', 'load ndjson [customers]:3']);
  });
});

describe('streams: validation', () => {
  it('rejects streams with table, a shared target, and streams on a source without the capability', async () => {
    const both = await issuesOf(dir, pipeline('[orders, items]').replace('  streams:', '  table: orders\n  streams:'));
    expect(both.map((i) => i.code)).toContain('E_STREAMS_EXCLUSIVE');
    const shared = await issuesOf(dir, pipeline('[orders, items]').replace('out/{stream}.ndjson', 'out/all.ndjson'));
    expect(shared.find((i) => i.code === 'E_STREAM_TEMPLATE')).toMatchObject({
      path: '/load/path', message: expect.stringContaining('every stream would overwrite the same path'), hint: expect.stringContaining('{stream}'),
      location: { line: 12 },
    });
    // one stream may write a fixed target
    const one = await issuesOf(dir, pipeline('[orders]').replace('out/{stream}.ndjson', 'out/all.ndjson'));
    expect(one.filter((i) => i.severity === 'error')).toEqual([]);
    const csvSource = await issuesOf(dir, 'version: 1\nname: x\nextract: { type: csv, path: a.csv, streams: [a, b] }\nload: { type: ndjson, path: "out/{stream}.ndjson" }\n');
    expect(csvSource.map((i) => i.code)).toContain('E_UNKNOWN_KEY');
    const tooMany = await issuesOf(dir, pipeline('[orders]').replace('parallelism: 2', 'parallelism: 17'));
    expect(tooMany.some((i) => i.path === '/parallelism' && i.severity === 'error')).toBe(true);
  });

  it('checks partition and state options', async () => {
    const pg = (extract: string, extra = '') => `version: 1
name: p
connections: { wh: { type: postgres, url: "postgres://u@h/db" }, f: { type: sqlite, path: s.db } }
extract: { type: postgres, connection: wh, ${extract} }
load: { type: ndjson, path: out.ndjson }
${extra}`;
    const codes = async (yaml: string) => (await issuesOf(dir, yaml)).filter((i) => i.severity === 'error').map((i) => i.code);
    expect(await codes(pg('query: "SELECT 1", partition: { column: id, count: 4 }'))).toEqual(['E_PG_PARTITION_NEEDS_TABLE']);
    expect(await codes(pg('table: t, columns: [a], partition: { column: id, count: 4 }'))).toEqual(['E_PG_PARTITION_COLUMN']);
    expect((await codes(pg('table: t, partition: { column: id, count: 0 }'))).length).toBe(1);
    expect(await codes(pg('table: t, partition: { column: id, count: 4 }', 'state: { connection: f, table: etl_state }\n'))).toEqual([]);
    expect(await codes(pg('table: t', 'state: { table: etl_state }\n'))).toEqual(['E_STATE_TABLE']);
    expect(await codes(pg('table: t', 'state: { connection: nope }\n'))).toEqual(['E_CONNECTION_MISSING']);
  });
});
