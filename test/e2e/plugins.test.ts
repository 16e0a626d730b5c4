import { execFile } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, removeTempDirs, ROOT, tempDir, write } from './helpers.js';

const run = promisify(execFile);
const PLUGIN = join(ROOT, 'examples', 'plugins', 'sequence-plugin');

const pipeline = (extract: string) => `version: 1
name: seq
plugins: [etl-cli-connector-sequence]
extract:
  type: sequence
${extract}
transform:
  - type: uppercase
    columns: [label]
load: { type: csv, path: out/seq.csv }
`;

describe('plugins (built bin)', () => {
  let project = '';
  beforeAll(async () => {
    assertBuilt();
    project = await tempDir('etl-plugin-project-');
    await write(project, 'package.json', JSON.stringify({ name: 'etl-project', version: '1.0.0', private: true }));
    // a real install from a local path: a copy in node_modules, as from the registry
    await run('npm', ['install', PLUGIN, '--install-links', '--no-audit', '--no-fund', '--offline', '--loglevel=error'], { cwd: project });
  }, 120_000);
  afterAll(removeTempDirs);

  it('installs from a local path, appears in `etl-cli connectors`, validates with file:line:col errors for its own options, and runs', async () => {
    const list = await cli(['connectors', '--plugin', 'etl-cli-connector-sequence'], { cwd: project });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^\s+sequence\s+source\s+experimental\s+Generates `count` rows/m);
    expect(list.stdout).toMatch(/^\s+uppercase\s+experimental\s+Upper-cases string columns/m);
    const page = await cli(['connectors', 'sequence', '--plugin', 'etl-cli-connector-sequence'], { cwd: project });
    expect(page.stdout).toMatch(/^\s+count\s+integer\s+yes\s+How many rows to generate\./m);

    await write(project, 'bad.yml', pipeline('  count: many\n  prefx: x-'));
    const bad = await cli(['validate', 'bad.yml'], { cwd: project });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bad\.yml:6:10: error: `count` in extract \(sequence\) must be an integer/m);
    expect(bad.stderr).toMatch(/^bad\.yml:7:3: error: unknown key `prefx` in extract \(sequence\), did you mean `prefix`\?/m);

    await write(project, 'seq.yml', pipeline('  count: 12\n  prefix: item-'));
    const ok = await cli(['validate', 'seq.yml'], { cwd: project });
    expect(ok.code, ok.stderr).toBe(0);
    const r = await cli(['run', 'seq.yml'], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/done: read 12, wrote 12, rejected 0/);
    const csv = (await readFile(join(project, 'out', 'seq.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(13);
    expect(csv.slice(0, 3)).toEqual(['id,label', '1,ITEM-1', '2,ITEM-2']);
  });

  it('`etl-cli test` runs a case through the plugin\'s transform (the source swapped for input rows)', async () => {
    await write(project, 'seq.test.yml', 'pipeline: seq.yml\ncases:\n  - name: labels are upper-cased\n    input:\n      - { id: 1, label: ab }\n    output:\n      - { id: 1, label: AB }\n');
    const r = await cli(['test', 'seq.test.yml'], { cwd: project });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 passed, 0 failed/);
  });

  it('schema and create know the plugin; the file create writes names it and validates', async () => {
    const schema = await cli(['schema', '--plugin', 'etl-cli-connector-sequence'], { cwd: project });
    expect(schema.code, schema.stderr).toBe(0);
    expect(schema.stdout).toContain('"title": "extract sequence"');
    const created = await cli(['create', 'made.yml', '--yes', '--source', 'sequence', '--sink', 'ndjson', '--plugin', 'etl-cli-connector-sequence', '--set', 'extract.count=3', '--set', 'load.path=out/made.ndjson'], { cwd: project });
    expect(created.code, created.stderr).toBe(0);
    expect(await readFile(join(project, 'made.yml'), 'utf8')).toMatch(/^plugins:\n\s+- etl-cli-connector-sequence$/m);
    const v = await cli(['validate', 'made.yml'], { cwd: project });
    expect(v.code, v.stderr).toBe(0);
  });

  it('the example pipeline loads its plugin by a path relative to the pipeline file', async () => {
    const dir = await tempDir('etl-plugin-example-');
    await cp(join(ROOT, 'examples', 'plugins'), dir, { recursive: true });
    const r = await cli(['run', join(dir, 'sequence-pipeline.yml')], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    const csv = (await readFile(join(dir, 'out', 'sequence.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(26);
    expect(csv[1]).toBe('1,ITEM-1');
  });

  it('a broken or missing plugin is exit 2, naming the plugin and what is wrong', async () => {
    await write(project, 'broken.mjs', "export const transforms = [{ name: 'shout', summary: 'x', docs: '', options: { type: 'object' } }];");
    const broken = await cli(['connectors', '--plugin', './broken.mjs'], { cwd: project });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('plugin ./broken.mjs: transform "shout": `load` must be a function');
    await write(project, 'clash.mjs', "export const transforms = [{ name: 'filter', summary: 'x', docs: '', options: { type: 'object' }, load: async () => ({}) }];");
    const clash = await cli(['validate', 'seq.yml', '--plugin', './clash.mjs'], { cwd: project });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('transform "filter" is already a built-in transform');
    await write(project, 'missing.yml', 'version: 1\nname: m\nplugins:\n  - ./nowhere.js\nextract: { type: csv, path: a.csv }\nload: { type: csv, path: b.csv }\n');
    const missing = await cli(['run', 'missing.yml'], { cwd: project });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^missing\.yml:4:5: error: plugin \.\/nowhere\.js: no such file/m);
  });
});
