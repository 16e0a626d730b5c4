import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, csvRows, removeTempDirs, tempDir, write } from './helpers.js';

/** Two tables in one sqlite file; watermarks in a state table of another sqlite file. */
const pipeline = (streams: string) => `version: 1
name: shop_copy
connections:
  src: { type: sqlite, path: shop.db }
  meta: { type: sqlite, path: state.db }
extract:
  type: sqlite
  connection: src
  streams: ${streams}
  incremental: { column: id }
load:
  type: ndjson
  path: out/{stream}.ndjson
  mode: append
state: { connection: meta, table: etl_state }
`;

async function lines(file: string): Promise<number> {
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
}

describe('streams in the CLI: summary, dry-run and state --stream (sqlite, built bin)', () => {
  let dir = '';
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir('etl-streams-');
    await write(dir, 'orders.csv', csvRows(3));
    await write(dir, 'customers.csv', csvRows(2));
    for (const table of ['orders', 'customers']) {
      const r = await cli(['copy', `${table}.csv`, 'sqlite:shop.db', '--table', table], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    }
    await write(dir, 'shop.yml', pipeline('[orders, customers]'));
    await write(dir, 'broken.yml', pipeline('[orders, missing_table]').replace('name: shop_copy', 'name: shop_broken'));
  });
  afterAll(removeTempDirs);

  it('dry-run lists each stream with its rows and target, and writes nothing', async () => {
    const r = await cli(['dry-run', 'shop.yml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('streams (2):');
    expect(r.stdout).toMatch(/^\s+orders\s+3\s+3\s+0\s+out\/orders\.ndjson/m);
    expect(r.stdout).toMatch(/^\s+customers\s+2\s+2\s+0\s+out\/customers\.ndjson/m);
    expect(r.stdout).toContain('schema [orders]: id: integer');
  });

  it('run prints one line per stream: status, counts and watermark', async () => {
    const r = await cli(['run', 'shop.yml', '--report', 'report.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('streams: 2');
    expect(r.stdout).toMatch(/^\s+stream\s+status\s+read\s+written\s+rejected\s+watermark\s+error$/m);
    expect(r.stdout).toMatch(/^\s+orders\s+ok\s+3\s+3\s+0\s+3$/m);
    expect(r.stdout).toMatch(/^\s+customers\s+ok\s+2\s+2\s+0\s+2$/m);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { streams: { stream: string }[] };
    expect(report.streams.map((s) => s.stream)).toEqual(['orders', 'customers']);
    expect(await lines(join(dir, 'out/orders.ndjson'))).toBe(3);
  });

  it('a failed stream is shown with its error; the other stream committed', async () => {
    const r = await cli(['run', 'broken.yml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^\s+orders\s+ok\s+3\s+3\s+0\s+3\s*$/m);
    expect(r.stdout).toMatch(/^\s+missing_table\s+failed\s+0\s+0\s+0\s+\S+: .*missing_table/m);
    expect(r.stderr).toMatch(/1 of 2 streams failed \(missing_table\)/);
  });

  it('state shows per-stream watermarks from the state table; --stream scopes --set and --reset', async () => {
    const show = await cli(['state', 'shop.yml'], { cwd: dir });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^state: state table etl_state \(sqlite state.db\)$/m);
    expect(show.stdout).toMatch(/^\s+customers\s+id\s+2\s/m);
    expect(show.stdout).toMatch(/^\s+orders\s+id\s+3\s/m);

    const set = await cli(['state', 'shop.yml', '--stream', 'orders', '--set', '1'], { cwd: dir });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('watermark of shop_copy stream orders set: id = 1');
    const one = await cli(['state', 'shop.yml', '--stream', 'orders', '--log-format', 'json'], { cwd: dir });
    const view = JSON.parse(one.stdout) as { streams: Record<string, { watermark: string; run_id: string }> };
    expect(Object.keys(view.streams)).toEqual(['orders']);
    expect(view.streams['orders']).toMatchObject({ watermark: '1', run_id: 'manual' });

    const rerun = await cli(['run', 'shop.yml'], { cwd: dir });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/^\s+orders\s+ok\s+2\s+2\s+0\s+3$/m);
    expect(rerun.stdout).toMatch(/^\s+customers\s+ok\s+0\s+0\s+0\s+2$/m);

    const reset = await cli(['state', 'shop.yml', '--stream', 'customers', '--reset'], { cwd: dir });
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('state of shop_copy stream customers cleared');
    const after = await cli(['state', 'shop.yml', '--log-format', 'json'], { cwd: dir });
    expect(Object.keys((JSON.parse(after.stdout) as { streams: object }).streams)).toEqual(['orders']);
  });

  it('refuses --set without --stream on a streams pipeline, and a stream it does not have', async () => {
    const noStream = await cli(['state', 'shop.yml', '--set', '5'], { cwd: dir });
    expect(noStream.code).toBe(2);
    expect(noStream.stderr).toContain('--set needs --stream NAME');
    const unknown = await cli(['state', 'shop.yml', '--stream', 'nope', '--reset'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--stream nope: not one of the pipeline's streams/);
    expect(unknown.stderr).toContain('streams: orders, customers');
  });
});
