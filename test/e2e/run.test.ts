import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, removeTempDirs, cli, csvRows, listFiles, tempDir, write } from './helpers.js';

const PIPELINE = `version: 1
name: people
extract:
  type: csv
  path: in.csv
transform:
  - type: filter
    where: amount > 10
load:
  type: ndjson
  path: out.ndjson
`;

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
  max_rejects: 1
`;

const SECRET = 'Sup3r-S3cret-Token-Value';
const SECRETIVE = `version: 1
name: secretive
extract:
  type: csv
  path: in.csv
transform:
  - type: derive
    fields: { token: "'\${env:API_TOKEN}'" }
load:
  type: ndjson
  path: secret-out.ndjson
`;
const SECRET_MISSING = `version: 1
name: secret_missing
extract:
  type: csv
  path: "\${env:API_TOKEN}/missing.csv"
load:
  type: ndjson
  path: x.ndjson
`;

describe('etl-cli run (built bin)', () => {
  let dir: string;
  afterAll(removeTempDirs);
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir();
    await write(dir, 'in.csv', csvRows(50));
    await write(dir, 'people.yml', PIPELINE);
  });

  it('runs csv → ndjson: exit 0, summary on stdout, output written', async () => {
    const r = await cli(['run', 'people.yml'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stage\s+rows in\s+rows out\s+rejected\s+time\s+rows\/s/);
    expect(r.stdout).toMatch(/read 50, wrote \d+/);
    expect(r.stdout).toContain('out.ndjson');
    const lines = (await readFile(join(dir, 'out.ndjson'), 'utf8')).trim().split('\n');
    const rows = lines.map((l) => JSON.parse(l) as { id: unknown; amount: unknown });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(50);
    expect(rows.every((row) => Number(row.amount) > 10)).toBe(true);
    expect(r.stdout).toContain(`wrote ${rows.length}`);
  });

  it('--var, --env overlays and --limit shape the run', async () => {
    const d = await tempDir();
    await write(d, 'in.csv', csvRows(40));
    await write(d, 'v.yml', 'version: 1\nname: v\nvars: { out: a.ndjson }\nextract:\n  type: csv\n  path: in.csv\nload:\n  type: ndjson\n  path: ${var:out}\n');
    await write(d, 'v.prod.yml', 'load:\n  type: csv\n  path: prod.csv\n');
    const byVar = await cli(['run', 'v.yml', '--var', 'out=b.ndjson', '--limit', '7'], { cwd: d });
    expect(byVar.code, byVar.stderr).toBe(0);
    expect((await readFile(join(d, 'b.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(7);
    const byEnv = await cli(['run', 'v.yml', '--env', 'prod'], { cwd: d });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(byEnv.stdout).toContain('prod.csv');
    expect(await listFiles(d)).toContain('prod.csv');
    const unknown = await cli(['run', 'v.yml', '--env', 'nope'], { cwd: d });
    expect(unknown.code, unknown.stderr).toBe(2);
    expect((await cli(['run', 'v.yml', '--var', 'novalue'], { cwd: d })).code).toBe(2);
  });

  it('--report writes the RunReport as JSON with the figures', async () => {
    const r = await cli(['run', 'people.yml', '--report', 'report.json', '--quiet'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(report['status']).toBe('ok');
    expect(report['rows_read']).toBe(50);
    expect(report['exit_code']).toBe(0);
    expect(Array.isArray(report['stages'])).toBe(true);
  });

  it('--log-format json emits parseable NDJSON events and a final summary', async () => {
    const r = await cli(['run', 'people.yml', '--log-format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; rows_read?: number });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['run.started', 'stage.finished', 'run.finished']));
    const last = events.at(-1);
    expect(last?.type).toBe('run.summary');
    expect(last?.rows_read).toBe(50);
  });

  it('a missing input file is exit 1 with a one-line error and hint, no stack', async () => {
    const d = await tempDir();
    await write(d, 'people.yml', PIPELINE);
    const r = await cli(['run', 'people.yml', '--report', 'r.json'], { cwd: d });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: .*in\.csv/m);
    expect(r.stderr).not.toMatch(/^\s+at .*\.js:\d+/m);
    const report = JSON.parse(await readFile(join(d, 'r.json'), 'utf8')) as Record<string, unknown>;
    expect(report['exit_code']).toBe(1);
    expect(report['status']).toBe('failed');
    expect(await listFiles(d)).not.toContain('out.ndjson');
  });

  it('a bad parquet file is exit 1', async () => {
    const d = await tempDir();
    await write(d, 'bad.parquet', 'this is not parquet at all, just text\n'.repeat(20));
    await write(d, 'p.yml', 'version: 1\nname: pq\nextract:\n  type: parquet\n  path: bad.parquet\nload:\n  type: ndjson\n  path: out.ndjson\n');
    const r = await cli(['run', 'p.yml'], { cwd: d });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: /m);
    expect(await listFiles(d)).not.toContain('out.ndjson');
  });

  it('more rejects than errors.max_rejects is exit 3, rejects in the dead letter', async () => {
    const d = await tempDir();
    await write(d, 'dirty.csv', 'id,email\n1,a@x.io\n2,\n3,\n4,d@x.io\n5,\n');
    await write(d, 'q.yml', QUALITY);
    const r = await cli(['run', 'q.yml', '--report', 'r.json'], { cwd: d });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^error: .*reject/im);
    const report = JSON.parse(await readFile(join(d, 'r.json'), 'utf8')) as Record<string, unknown>;
    expect(report['exit_code']).toBe(3);
    expect(await listFiles(d)).not.toContain('clean.ndjson');
  });

  it('an invalid pipeline is exit 2 and touches nothing', async () => {
    const d = await tempDir();
    await write(d, 'in.csv', csvRows(3));
    await write(d, 'bad.yml', PIPELINE.replace('type: ndjson', 'type: ndjsonx'));
    const before = await listFiles(d);
    const r = await cli(['run', 'bad.yml'], { cwd: d });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^bad\.yml:\d+:\d+: error: /m);
    expect(await listFiles(d)).toEqual(before);
  });

  it('dry-run and debug create no file at all', async () => {
    const d = await tempDir();
    await write(d, 'in.csv', csvRows(30));
    await write(d, 'people.yml', PIPELINE);
    const before = await listFiles(d);
    const dry = await cli(['dry-run', 'people.yml'], { cwd: d });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('out.ndjson');
    expect(dry.stdout).toMatch(/would write/);
    expect(await listFiles(d)).toEqual(before);
    const dbg = await cli(['debug', 'people.yml', '--limit', '5'], { cwd: d });
    expect(dbg.code, dbg.stderr).toBe(0);
    expect(dbg.stdout).toMatch(/== stage 0: .*extract/);
    expect(dbg.stdout).toMatch(/id\s+name\s+amount/);
    expect(dbg.stdout).toMatch(/schema: id: integer/);
    const stage0 = await cli(['debug', 'people.yml', '--stage', '0', '--step'], { cwd: d });
    expect(stage0.code, stage0.stderr).toBe(0);
    expect(stage0.stdout).not.toMatch(/== stage 1/);
    expect(stage0.stderr).toMatch(/--step needs an interactive terminal/);
    expect(await listFiles(d)).toEqual(before);
  });

  it('secrets from env never appear in stdout, stderr or the report', async () => {
    const d = await tempDir();
    await write(d, 'in.csv', csvRows(5));
    await write(d, 's.yml', SECRETIVE);
    await write(d, 'm.yml', SECRET_MISSING);
    const env = { API_TOKEN: SECRET };
    const outputs: string[] = [];
    for (const args of [
      ['run', 's.yml', '--report', 'r.json', '--verbose'],
      ['run', 's.yml', '--log-format', 'json'],
      ['debug', 's.yml'],
      ['dry-run', 's.yml'],
      ['run', 'm.yml', '--verbose', '--report', 'm.json'],
      ['validate', 's.yml', 'm.yml'],
    ]) {
      const r = await cli(args, { cwd: d, env });
      outputs.push(r.stdout, r.stderr);
    }
    const m = await cli(['run', 'm.yml'], { cwd: d, env });
    expect(m.code, m.stderr).toBe(1);
    expect(m.stderr).toContain('***');
    outputs.push(m.stderr, await readFile(join(d, 'r.json'), 'utf8'), await readFile(join(d, 'm.json'), 'utf8'));
    for (const text of outputs) expect(text).not.toContain(SECRET);
    expect(outputs.join('\n')).toContain('***');
  });
});
