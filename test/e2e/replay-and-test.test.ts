import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, removeTempDirs, tempDir, write } from './helpers.js';

const QUALITY = `version: 1
name: quality
extract:
  type: csv
  path: dirty.csv
transform:
  - type: validate
    rules:
      - { not_null: [email] }
    on_fail: reject
load:
  type: ndjson
  path: clean.ndjson
errors:
  dead_letter: rejects.ndjson
`;

const CASES = `cases:
  - name: keeps rows with an email
    input:
      - { id: 1, email: a@x.io }
      - { id: 2, email: null }
    output:
      - { id: 1, email: a@x.io }
    rejects:
      - { reason: not_null, record: { id: 2 } }
`;

describe('etl-cli replay and test (built bin)', () => {
  let dir: string;
  afterAll(removeTempDirs);
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir();
    await write(dir, 'dirty.csv', 'id,email\n1,a@x.io\n2,\n3,\n');
    await write(dir, 'quality.yml', QUALITY);
  });

  it('replay sends fixed dead-letter rows to the sink, appending', async () => {
    expect((await cli(['run', 'quality.yml'], { cwd: dir })).code).toBe(0);
    const dead = await readFile(join(dir, 'rejects.ndjson'), 'utf8');
    expect(dead.trim().split('\n')).toHaveLength(2);
    await writeFile(join(dir, 'rejects.ndjson'), dead.replaceAll('"email":null', '"email":"fixed@x.io"'));
    const r = await cli(['replay', 'rejects.ndjson', '--pipeline', 'quality.yml'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/replayed 2 rows/);
    expect(r.stdout).toMatch(/append/);
    const rows = (await readFile(join(dir, 'clean.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: number; email: string });
    expect(rows.map((x) => x.id)).toEqual([1, 2, 3]);
    expect(rows[2]?.email).toBe('fixed@x.io');
    const missing = await cli(['replay', 'nope.ndjson', '-p', 'quality.yml'], { cwd: dir });
    expect(missing.code, missing.stderr).toBe(2);
  });

  it('test runs <pipeline>.test.yml cases offline: exit 0 when they pass, 1 with a diff when not', async () => {
    await write(dir, 'quality.test.yml', CASES);
    const ok = await cli(['test'], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/✓ quality\.test\.yml › keeps rows with an email/);
    expect(ok.stdout).toMatch(/1 passed, 0 failed/);
    await write(dir, 'quality.test.yml', CASES.replace('- { id: 1, email: a@x.io }\n    rejects', '- { id: 1, email: b@x.io }\n    rejects'));
    const bad = await cli(['test', 'quality.test.yml'], { cwd: dir });
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/✗ .*\n\s+row 1: expected \{"id":1,"email":"b@x\.io"\}\n\s+got \{"id":1,"email":"a@x\.io"\}/);
    const empty = await cli(['test'], { cwd: await tempDir() });
    expect(empty.code, empty.stderr).toBe(2);
  });
});
