import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LockHeldError } from '../errors.js';
import type { EtlEvent } from '../events.js';
import { acquireLock, appendHistory, lockFile, readHistory, readLock, readState, resetState, setWatermark, writeWatermark } from './index.js';

let dir: string;
let plan: { name: string; state: { dir: string } };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'etl-state-'));
  plan = { name: 'orders daily', state: { dir: join(dir, '.etl-cli') } };
});

describe('watermark store', () => {
  it('reads nothing (and creates nothing) before the first save', async () => {
    expect(await readState(plan)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes atomically, reads back, sets and resets', async () => {
    await writeWatermark(plan, '2024-01-02T00:00:00.000000Z', { column: 'updated_at', run_id: 'r1' });
    expect(readdirSync(plan.state.dir)).toEqual(['orders_daily.state.json']);
    expect(await readState(plan)).toMatchObject({ pipeline: 'orders daily', watermark: '2024-01-02T00:00:00.000000Z', column: 'updated_at', run_id: 'r1' });
    await setWatermark(plan, '42');
    expect(await readState(plan)).toMatchObject({ watermark: '42', column: 'updated_at', run_id: 'manual' });
    expect(await resetState(plan)).toBe(true);
    expect(await readState(plan)).toBeUndefined();
    expect(await resetState(plan)).toBe(false);
  });

  it('reports a corrupt state file with a hint', async () => {
    mkdirSync(plan.state.dir, { recursive: true });
    writeFileSync(join(plan.state.dir, 'orders_daily.state.json'), '{oops');
    await expect(readState(plan)).rejects.toMatchObject({ code: 'E_STATE_CORRUPT', hint: expect.stringContaining('--reset') });
  });
});

describe('run lock', () => {
  it('refuses a second holder while the first is alive, then frees on release', async () => {
    const first = await acquireLock(plan, { run_id: 'r1' });
    expect(await readLock(plan)).toMatchObject({ pid: process.pid, hostname: hostname(), run_id: 'r1' });
    const err = await acquireLock(plan, { run_id: 'r2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).exitCode).toBe(4);
    expect((err as LockHeldError).message).toContain(`another run of orders daily (pid ${process.pid}, started`);
    expect((err as LockHeldError).hint).toContain('--force');
    await first.release();
    const second = await acquireLock(plan, { run_id: 'r2' });
    await second.release();
    expect(readdirSync(plan.state.dir)).toEqual([]);
  });

  it('takes over a stale lock (dead pid) with a warning', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    mkdirSync(plan.state.dir, { recursive: true });
    writeFileSync(lockFile(plan), JSON.stringify({ pid: dead, hostname: hostname(), started_at: '2024-01-01T00:00:00Z', run_id: 'old' }));
    const events: EtlEvent[] = [];
    const lock = await acquireLock(plan, { run_id: 'new', events: (e) => events.push(e) });
    expect(events).toEqual([{ type: 'warning', message: expect.stringContaining(`taking over a stale lock of orders daily: pid ${dead}`) }]);
    expect(JSON.parse(readFileSync(lockFile(plan), 'utf8'))).toMatchObject({ run_id: 'new', pid: process.pid });
    await lock.release();
  });

  it('--force overrides a live holder, and the old holder does not delete the new lock', async () => {
    const first = await acquireLock(plan, { run_id: 'r1' });
    const events: EtlEvent[] = [];
    const forced = await acquireLock(plan, { run_id: 'r2', force: true, events: (e) => events.push(e) });
    expect(events[0]).toMatchObject({ type: 'warning', message: expect.stringContaining('forcing the lock') });
    await first.release();
    expect(await readLock(plan)).toMatchObject({ run_id: 'r2' });
    await forced.release();
    expect(await readLock(plan)).toBeUndefined();
  });
});

describe('run history', () => {
  it('appends one JSON line per run and reads the last ones', async () => {
    const base = { pipeline: 'p', status: 'ok', started_at: 'a', finished_at: 'b', ms: 1, rows_read: 1, rows_written: 1, rows_rejected: 0, exit_code: 0 };
    for (const run_id of ['r1', 'r2', 'r3']) await appendHistory(plan, { ...base, run_id });
    const lines = readFileSync(join(plan.state.dir, 'orders_daily.runs.ndjson'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect((await readHistory(plan, 2)).map((h) => h.run_id)).toEqual(['r2', 'r3']);
  });
});
