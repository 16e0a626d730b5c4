import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, removeTempDirs, cli, listFiles, ROOT, tempDir, write } from './helpers.js';

const BROKEN = `version: 1
name: broken
extract:
  type: csv
  path: in.csv
  delimter: ";"
load:
  type: ndjson
  path: out.ndjson
  mode: sideways
errors:
  max_rejects: lots
`;

const GOOD = `version: 1
name: good
extract:
  type: csv
  path: in.csv
load:
  type: ndjson
  path: out.ndjson
`;

describe('etl-cli validate and create (built bin)', () => {
  let dir: string;
  afterAll(removeTempDirs);
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir();
    await write(dir, 'broken.yml', BROKEN);
    await write(dir, 'good.yml', GOOD);
  });

  it('prints one file:line:col line per mistake and exits 2', async () => {
    const r = await cli(['validate', 'broken.yml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => /^broken\.yml:\d+:\d+: error: /.test(l));
    const lineNumbers = lines.map((l) => Number(l.split(':')[1]));
    expect(lineNumbers).toEqual(expect.arrayContaining([6, 10, 12]));
    expect(new Set(lineNumbers).size).toBe(lineNumbers.length);
    expect(r.stderr).toMatch(/did you mean .?delimiter/);
    expect(r.stderr).toMatch(/broken\.yml: \d+ errors?/);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  it('accepts a valid file (exit 0) and checks several files at once', async () => {
    const ok = await cli(['validate', 'good.yml'], { cwd: dir });
    expect(ok.stderr).toBe('');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('good.yml: ok');
    const both = await cli(['validate', 'good.yml', 'broken.yml'], { cwd: dir });
    expect(both.code, both.stderr).toBe(2);
    expect(both.stdout).toContain('good.yml: ok');
    expect(both.stderr).toMatch(/^broken\.yml:6:\d+: error:/m);
  });

  it('--connections also checks that tables and files exist', async () => {
    const d = await tempDir();
    await write(d, 'in.csv', 'id\n1\n');
    expect((await cli(['copy', 'in.csv', 'sqlite:c.db', '--table', 'present'], { cwd: d })).code).toBe(0);
    const text = 'version: 1\nname: vc\nconnections:\n  db: { type: sqlite, path: c.db }\nextract:\n  type: sqlite\n  connection: db\n  table: absent\nload:\n  type: csv\n  path: o.csv\n';
    await write(d, 'vc.yml', text);
    expect((await cli(['validate', 'vc.yml'], { cwd: d })).code).toBe(0);
    const checked = await cli(['validate', 'vc.yml', '--connections'], { cwd: d });
    expect(checked.code, checked.stderr).toBe(2);
    expect(checked.stderr).toMatch(/^vc\.yml:\d+:\d+: error: .*absent/m);
    await write(d, 'ok.yml', text.replace('absent', 'present'));
    expect((await cli(['validate', 'ok.yml', '--connections'], { cwd: d })).code).toBe(0);
  });

  it('a missing pipeline file is exit 2 with the file named', async () => {
    const r = await cli(['validate', 'nope.yml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('nope.yml');
  });

  it('--log-format json prints one JSON object per file', async () => {
    const r = await cli(['validate', 'broken.yml', '--log-format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; valid: boolean; issues: unknown[] });
    expect(events[0]?.type).toBe('validate');
    expect(events[0]?.valid).toBe(false);
    expect(events[0]?.issues.length).toBeGreaterThanOrEqual(3);
  });

  it('every file in templates/ and examples/ validates', async () => {
    const files: string[] = [];
    for (const sub of ['templates', 'examples']) {
      const names = await readdir(join(ROOT, sub)).catch(() => [] as string[]);
      files.push(...names.filter((n) => /\.ya?ml$/.test(n) && !/\.test\.ya?ml$/.test(n)).map((n) => join(ROOT, sub, n)));
    }
    expect(files.length).toBeGreaterThanOrEqual(4);
    const r = await cli(['validate', ...files], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
  });

  it('create --yes --source csv --sink ndjson writes a file that validate accepts', async () => {
    const d = await tempDir();
    const r = await cli(['create', 'orders.yml', '--yes', '--source', 'csv', '--sink', 'ndjson', '--set', 'extract.path=data.csv', '--set', 'load.path=out.ndjson'], { cwd: d });
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('wrote orders.yml');
    const text = await readFile(join(d, 'orders.yml'), 'utf8');
    expect(text).toContain('path: data.csv');
    expect(text).toContain('name: orders');
    const v = await cli(['validate', 'orders.yml'], { cwd: d });
    expect(v.code, v.stderr).toBe(0);
  });

  it('create refuses to overwrite without --force, and names the missing flag under --yes', async () => {
    const d = await tempDir();
    await write(d, 'p.yml', 'keep me\n');
    const refused = await cli(['create', 'p.yml', '--yes', '--template', 'csv-to-ndjson'], { cwd: d });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/exists.*\n.*--force/);
    expect(await readFile(join(d, 'p.yml'), 'utf8')).toBe('keep me\n');
    const forced = await cli(['create', 'p.yml', '--yes', '--template', 'csv-to-ndjson', '--force'], { cwd: d });
    expect(forced.code, forced.stderr).toBe(0);
    expect((await cli(['validate', 'p.yml'], { cwd: d })).code).toBe(0);
    const missing = await cli(['create', 'q.yml', '--yes', '--source', 'csv', '--sink', 'ndjson'], { cwd: d });
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/missing required option extract\.path/);
    expect(missing.stderr).toMatch(/--set extract\.path=/);
    expect(await listFiles(d)).toEqual(['p.yml']);
  });

  it('create never writes a secret: secret options become ${env:NAME}', async () => {
    const d = await tempDir();
    const base = ['create', 'pg.yml', '--yes', '--source', 'postgres', '--sink', 'csv', '--set', 'extract.table=orders', '--set', 'load.path=o.csv'];
    const literal = await cli([...base, '--set', 'connections.source.url=postgres://etl:Hunter2Secret@db/x'], { cwd: d });
    expect(literal.code, literal.stderr).toBe(2);
    expect(literal.stderr).toMatch(/is a secret: it is not written into the file/);
    expect(literal.stderr).not.toContain('Hunter2Secret');
    expect(await listFiles(d)).toEqual([]);
    const byEnv = await cli([...base, '--set', 'connections.source.url=PG_URL'], { cwd: d });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(await readFile(join(d, 'pg.yml'), 'utf8')).toContain('url: ${env:PG_URL}');
    const v = await cli(['validate', 'pg.yml'], { cwd: d, env: { PG_URL: 'postgres://etl:Hunter2Secret@db/x' } });
    expect(v.code, v.stderr).toBe(0);
  });

  it('create from a template without a TTY asks nothing and fills vars from --set', async () => {
    const d = await tempDir();
    const r = await cli(['create', '--template', 'csv-to-parquet', '--name', 'sales', '--set', 'vars.input=sales.csv'], { cwd: d });
    expect(r.code, r.stderr).toBe(0);
    const text = await readFile(join(d, 'sales.yml'), 'utf8');
    expect(text).toContain('name: sales');
    expect(text).toContain('sales.csv');
    expect(text).toMatch(/^#/m);
    expect((await cli(['validate', 'sales.yml'], { cwd: d })).code).toBe(0);
  });
});
