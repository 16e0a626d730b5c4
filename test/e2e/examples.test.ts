import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, listFiles, removeTempDirs, ROOT, tempDir } from './helpers.js';

describe('examples/ as a user runs them (built bin)', () => {
  let dir = '';
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir('etl-examples-');
    await cp(join(ROOT, 'examples'), dir, { recursive: true, filter: (src) => !src.includes(`${join('examples', 'out')}`) });
    await rm(join(dir, 'out'), { recursive: true, force: true });
  });
  afterAll(removeTempDirs);

  it('etl-cli test passes on the examples test files', async () => {
    const r = await cli(['test', '.'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 passed, 0 failed/);
  });

  it('the quickstart runs: 8 rows loaded twice (sqlite + parquet), 2 rejects with positions', async () => {
    const r = await cli(['run', 'quickstart.yml', '--report', 'report.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('load[0] sqlite');
    expect(await listFiles(join(dir, 'out'))).toEqual(expect.arrayContaining(['orders.parquet', 'warehouse.db']));
    const { readFile } = await import('node:fs/promises');
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { rows_read: number; rows_rejected: number; targets: { rows_written: number }[] };
    expect(report.rows_read).toBe(12);
    expect(report.rows_rejected).toBe(2);
    expect(report.targets.map((t) => t.rows_written)).toEqual([8, 8]);
    const rejects = (await readFile(join(dir, 'out', 'rejects', 'orders.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { position: string });
    expect(rejects.map((x) => x.position)).toEqual(['data/orders.csv:4', 'data/orders.csv:13']);
    // a rerun upserts: still 8 rows in the table (checked through the CLI itself)
    const again = await cli(['run', 'quickstart.yml'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    const out = await cli(['copy', 'out/warehouse.db', '-', '--table', 'orders', '--to-format', 'ndjson'], { cwd: dir });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim().split('\n')).toHaveLength(8);
  });
});
