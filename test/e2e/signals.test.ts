import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, removeTempDirs, cli, collect, listFiles, spawnCli, tempDir, waitForStderr, write, writeLargeCsv } from './helpers.js';

const BIG = `version: 1
name: big
extract:
  type: csv
  path: big.csv
load:
  type: ndjson
  path: big.ndjson
state:
  dir: state
`;

describe('etl-cli interruption, crashes and the run lock (built bin)', () => {
  let dir: string;
  afterAll(removeTempDirs);
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir();
    await writeLargeCsv(join(dir, 'big.csv'), 1_000_000);
    await write(dir, 'big.yml', BIG);
  }, 120_000);

  const leftovers = async () => (await listFiles(dir)).filter((f) => f !== 'big.csv' && f !== 'big.yml' && !f.startsWith('state/'));

  it('SIGINT during a run: exit 130, no target file and no temp file left', async () => {
    const child = spawnCli(['run', 'big.yml', '--log-format', 'json'], { cwd: dir });
    const done = collect(child, 60_000);
    child.stdin?.end();
    await waitForStderr(child, /"type":"batch\.(read|written)"/);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/"type":"error".*"exit_code":130/);
    expect(await leftovers()).toEqual([]);
  });

  it('a second SIGINT exits at once with 130, never leaving a file under the target name', async () => {
    const child = spawnCli(['run', 'big.yml', '--log-format', 'json', '--force'], { cwd: dir });
    const done = collect(child, 60_000);
    child.stdin?.end();
    await waitForStderr(child, /"type":"batch\.(read|written)"/);
    child.kill('SIGINT');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(await listFiles(dir)).not.toContain('big.ndjson');
  });

  it('SIGKILL during a run leaves no file under the target name', async () => {
    const child = spawnCli(['run', 'big.yml', '--log-format', 'json', '--force'], { cwd: dir });
    const done = collect(child, 60_000);
    child.stdin?.end();
    await waitForStderr(child, /"type":"batch\.written"/);
    child.kill('SIGKILL');
    const r = await done;
    expect(r.signal).toBe('SIGKILL');
    expect(await listFiles(dir)).not.toContain('big.ndjson');
  });

  it('a run while a live process holds the lock exits 4 and does nothing; --force overrides', async () => {
    const d = await tempDir();
    await write(d, 'in.csv', 'id\n1\n2\n');
    await write(d, 'l.yml', 'version: 1\nname: locked\nextract:\n  type: csv\n  path: in.csv\nload:\n  type: ndjson\n  path: out.ndjson\n');
    await mkdir(join(d, '.etl-cli'));
    // the lock of a live process: this test runner
    const lock = { pid: process.pid, hostname: hostname(), started_at: new Date().toISOString(), run_id: 'held-by-test' };
    await writeFile(join(d, '.etl-cli', 'locked.lock'), JSON.stringify(lock));
    const r = await cli(['run', 'l.yml'], { cwd: d });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/^error: .*lock/im);
    expect(await listFiles(d)).not.toContain('out.ndjson');
    const forced = await cli(['run', 'l.yml', '--force'], { cwd: d });
    expect(forced.code, forced.stderr).toBe(0);
    expect(await listFiles(d)).toContain('out.ndjson');
  });
});
