import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, removeTempDirs, cli, csvRows, listFiles, tempDir, write } from './helpers.js';

describe('etl-cli copy (built bin)', () => {
  let dir: string;
  afterAll(removeTempDirs);
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir();
    await write(dir, 'data.csv', csvRows(20));
  });

  it('copy data.csv out.ndjson', async () => {
    const r = await cli(['copy', 'data.csv', 'out.ndjson'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote 20/);
    const lines = (await readFile(join(dir, 'out.ndjson'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(20);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ name: 'name 1' });
    expect(await listFiles(dir)).not.toContain('.etl-cli');
  });

  it('copy data.csv out.parquet, then back to csv', async () => {
    const r = await cli(['copy', 'data.csv', 'out.parquet'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const bytes = await readFile(join(dir, 'out.parquet'));
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    const back = await cli(['copy', 'out.parquet', 'back.csv', '--limit', '5'], { cwd: dir });
    expect(back.code, back.stderr).toBe(0);
    const text = await readFile(join(dir, 'back.csv'), 'utf8');
    expect(text.trim().split('\n')).toHaveLength(6);
  });

  it('copy with - reads stdin and writes stdout by format', async () => {
    const r = await cli(['copy', '-', '-', '--from-format', 'csv', '--to-format', 'ndjson'], { cwd: dir, input: 'a,b\n1,x\n2,y\n' });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ b: 'y' });
    expect(r.stderr).toMatch(/wrote 2/);
  });

  it('an unknown format is a usage error (exit 2) listing the known extensions', async () => {
    const r = await cli(['copy', 'data.csv', 'out.xyz'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cannot tell the format of "out\.xyz"/);
    expect(r.stderr).toMatch(/hint: known extensions: .*\.csv.*\.parquet/);
    const q = await cli(['copy', 'data.csv', 'out.ndjson', '--query', 'select 1'], { cwd: dir });
    expect(q.code, q.stderr).toBe(2);
    expect(q.stderr).toMatch(/--query does not apply/);
  });

  it('copy to sqlite with --table and --mode, password-free', async () => {
    const r = await cli(['copy', 'data.csv', 'sqlite:copy.db', '--table', 'people', '--mode', 'overwrite'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/target: .*people/);
    const back = await cli(['copy', 'sqlite:copy.db', 'people.ndjson', '--table', 'people'], { cwd: dir });
    expect(back.code, back.stderr).toBe(0);
    expect((await readFile(join(dir, 'people.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(20);
  });
});
