import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, csvRows, removeTempDirs, tempDir, write } from './helpers.js';

const INCREMENTAL = `version: 1
name: inc
connections:
  db: { type: sqlite, path: src.db }
extract:
  type: sqlite
  connection: db
  table: people
  incremental: { column: id }
load:
  type: ndjson
  path: out.ndjson
`;

describe('etl-cli state and incremental runs (built bin)', () => {
  let dir: string;
  afterAll(removeTempDirs);
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir();
    await write(dir, 'people.csv', csvRows(20));
    const r = await cli(['copy', 'people.csv', 'sqlite:src.db', '--table', 'people'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    await write(dir, 'inc.yml', INCREMENTAL);
  });

  it('saves the watermark after the load; the next run reads nothing new', async () => {
    const first = await cli(['run', 'inc.yml', '--metrics-file', 'inc.prom'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/watermark saved: id = 20/);
    const metrics = await readFile(join(dir, 'inc.prom'), 'utf8');
    expect(metrics).toMatch(/^etl_rows_read_total\{pipeline="inc",stage="extract sqlite"\} 20$/m);
    expect(metrics).toMatch(/^etl_last_run_exit_code\{pipeline="inc"\} 0$/m);
    const second = await cli(['run', 'inc.yml'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/read 0, wrote 0/);
  });

  it('state shows the watermark and the last runs; --set and --reset change it', async () => {
    const show = await cli(['state', 'inc.yml'], { cwd: dir });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/watermark: id = 20/);
    expect(show.stdout).toMatch(/last runs:/);
    expect(show.stdout).toMatch(/\sok\s+20\s+20\s/);
    const set = await cli(['state', 'inc.yml', '--set', '15'], { cwd: dir });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/set: id = 15/);
    const rerun = await cli(['run', 'inc.yml'], { cwd: dir });
    expect(rerun.stdout).toMatch(/read 5, wrote 5/);
    const reset = await cli(['state', 'inc.yml', '--reset'], { cwd: dir });
    expect(reset.stdout).toMatch(/cleared/);
    const after = await cli(['state', 'inc.yml', '--log-format', 'json'], { cwd: dir });
    expect((JSON.parse(after.stdout) as { state: unknown }).state).toBeNull();
    const both = await cli(['state', 'inc.yml', '--reset', '--set', '1'], { cwd: dir });
    expect(both.code, both.stderr).toBe(2);
  });
});
