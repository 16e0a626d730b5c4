import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteDeadLetterStore } from '../../connectors/sqlite/dead-letter-store.js';
import { loadDriver } from '../../connectors/sqlite/driver.js';
import { RunError } from '../errors.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';
import { DeadLetterTable, toRow } from './dead-letter-table.js';
import type { DeadLetterRow, DeadLetterStore } from './dead-letter-target.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'etl-dl-table-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pipeline = { name: 'orders', run_id: 'r1', dir: '', started_at: '2024-01-01T00:00:00.000Z', vars: {} };
const line = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ run_id: 'r1', stage: 'extract', reason: `bad row ${n}`, position: `in.csv:${n + 1}`, record: { id: n }, ...extra });

function store(table = 'etl_rejects'): Promise<DeadLetterStore> {
  return sqliteDeadLetterStore({ path: 'dl.db' }, { signal: new AbortController().signal, table, pipeline: { ...pipeline, dir }, retry: DEFAULT_RETRY_POLICY });
}

function target(opts: { flushRows?: number; flushMs?: number; open?: () => Promise<DeadLetterStore> } = {}) {
  const errors: RunError[] = [];
  const t = new DeadLetterTable({
    run_id: 'r1', pipeline: 'orders', description: 'table etl_rejects (connection db)',
    open: opts.open ?? (() => store()), onError: (e) => errors.push(e),
    ...(opts.flushRows ? { flushRows: opts.flushRows } : {}), ...(opts.flushMs ? { flushMs: opts.flushMs } : {}),
  });
  return { t, errors };
}

async function rows(run_id = 'r1'): Promise<DeadLetterRow[]> {
  const s = await store();
  return s.read('orders', run_id, undefined, 1000);
}

describe('dead-letter table target (sqlite store)', () => {
  it('writes every reject with its columns, in batches, and reports where', async () => {
    const { t, errors } = target({ flushRows: 3 });
    for (let i = 1; i <= 7; i++) t.write(line(i, i === 2 ? { rule: 'not_null', column: 'email' } : {}));
    await pause(50);
    expect((await rows()).length).toBe(6); // two batches of 3 flushed, one row still buffered
    expect(await t.finish()).toBe('table etl_rejects (connection db)');
    const all = await rows();
    expect(errors).toEqual([]);
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(all[1]).toMatchObject({
      run_id: 'r1', pipeline: 'orders', stage: 'extract', reason: 'bad row 2', rule: 'not_null', column_name: 'email', position: 'in.csv:3',
    });
    expect(JSON.parse(all[1]!.record)).toEqual({ id: 2 });
    expect(all[0]).toMatchObject({ rule: null, column_name: null });
    expect(Date.parse(all[0]!.rejected_at)).not.toBeNaN();
  });

  it('flushes on the timer without waiting for a full batch', async () => {
    const { t } = target({ flushMs: 20 });
    t.write(line(1));
    await pause(150);
    expect((await rows()).map((r) => r.reason)).toEqual(['bad row 1']);
    await t.finish();
    expect(await rows()).toHaveLength(1);
  });

  it('nothing rejected: no table, finish says nothing was written', async () => {
    const { t } = target();
    expect(await t.finish()).toBeUndefined();
    expect(await rows()).toEqual([]);
  });

  it('keeps the rows while the sink holds the database lock, and writes them at the end', async () => {
    const open = await loadDriver();
    const sink = open(join(dir, 'dl.db'), {});
    sink.exec('CREATE TABLE t (x INTEGER)');
    sink.exec('BEGIN IMMEDIATE');
    sink.exec('INSERT INTO t VALUES (1)');
    const { t, errors } = target({ flushRows: 2, flushMs: 20 });
    for (let i = 1; i <= 5; i++) t.write(line(i));
    await pause(150);
    expect(errors).toEqual([]);
    expect(await rows()).toEqual([]); // flushes were tried (and failed fast) while locked
    sink.exec('ROLLBACK'); // the sink's transaction is over (committed or rolled back)
    sink.close();
    await t.finish();
    expect((await rows()).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a store that cannot be written aborts the run with E_DEAD_LETTER, and finish throws', async () => {
    const { t, errors } = target({ flushRows: 1, open: async () => { throw new Error('permission denied for schema audit'); } });
    t.write(line(1));
    await pause(20);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RunError);
    expect(errors[0]!.code).toBe('E_DEAD_LETTER');
    expect(errors[0]!.message).toContain('cannot write rejects to table etl_rejects (connection db): permission denied');
    await expect(t.finish()).rejects.toThrow(/permission denied/);
  });

  it('backpressure: past the high-water mark the run waits until the table has caught up', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const inserted: number[] = [];
    const slow: DeadLetterStore = {
      description: 'slow', insert: async (rows) => { await gate; inserted.push(rows.length); },
      read: async () => [], delete: async () => 0, close: async () => {},
    };
    const t = new DeadLetterTable({ run_id: 'r1', pipeline: 'orders', description: 'slow', open: async () => slow, onError: () => {}, flushRows: 2, highWater: 3 });
    t.write(line(1));
    expect(t.backlog()).toBeUndefined();
    for (let i = 2; i <= 5; i++) t.write(line(i));
    const wait = t.backlog();
    expect(wait).toBeInstanceOf(Promise);
    let done = false;
    void wait!.then(() => { done = true; });
    await pause(20);
    expect(done).toBe(false);
    open();
    await wait;
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(5);
    expect(t.backlog()).toBeUndefined();
    await t.finish();
  });

  it('discard (a whole-run retry) deletes what this attempt wrote', async () => {
    const { t } = target({ flushRows: 2 });
    for (let i = 1; i <= 3; i++) t.write(line(i));
    await pause(50);
    expect((await rows()).length).toBe(2);
    await t.discard();
    expect(await rows()).toEqual([]);
  });

  it('quoted, literal table names and keyset pages over (stage, seq)', async () => {
    const s = await store('rejects "x".y');
    const row = (stage: string, seq: number): DeadLetterRow => ({ ...toRow(line(seq), 'orders', seq), stage });
    await s.insert([row('load', 1), row('extract', 2), row('extract', 3), row('load', 4)], { final: true });
    await s.insert([{ ...row('extract', 5), run_id: 'other' }], { final: true });
    const first = await s.read('orders', 'r1', undefined, 2);
    const next = await s.read('orders', 'r1', { stage: first[1]!.stage, seq: first[1]!.seq }, 2);
    expect([...first, ...next].map((r) => `${r.stage}:${r.seq}`)).toEqual(['extract:2', 'extract:3', 'load:1', 'load:4']);
    expect(await s.delete('orders', 'r1')).toBe(4);
    expect(await s.read('orders', 'other', undefined, 10)).toHaveLength(1);
  });

  it('NUL characters become U+FFFD (databases refuse them in text)', () => {
    const r = toRow(JSON.stringify({ run_id: 'r1', stage: 's', reason: 'a\u0000b', record: 'raw\u0000line' }), 'p', 1);
    expect(r.reason).toBe('a\uFFFDb');
    expect(JSON.parse(r.record)).toBe('raw\uFFFDline');
  });
});
