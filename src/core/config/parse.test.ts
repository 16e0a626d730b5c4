import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline, loadPipelineText, parseYamlText, readPluginList, MAX_FILE_BYTES } from './index.js';
import { lintContext } from './lint.js';
import { testRegistry } from './fixture-registry.test.js';

const opts = { registry: testRegistry(), environment: {} };

describe('hostile YAML', () => {
  it('stops an alias bomb fast with one issue', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const started = Date.now();
    const r = await loadPipelineText(`${levels.join('\n')}\n`, '/p/bomb.yml', opts);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.plan).toBeUndefined();
    expect(r.issues.map((i) => i.code)).toEqual(['E_YAML_ALIASES']);
    expect(r.issues[0]?.message).toContain('possible alias bomb');
  });

  it('turns absurd nesting into an issue, not a crash', async () => {
    const r = await loadPipelineText(`a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, '/p/deep.yml', opts);
    expect(r.plan).toBeUndefined();
    expect(r.issues.map((i) => i.code)).toEqual(['E_YAML']);
  });

  it('reports duplicate keys at the second key', async () => {
    const r = await loadPipelineText('version: 1\nname: a\nextract: { type: csv, path: a.csv }\nload: { type: csv, path: b.csv }\nname: b\n', '/p/d.yml', opts);
    expect(r.issues.map((i) => [i.code, i.location?.line, i.location?.col])).toEqual([['E_DUPLICATE_KEY', 5, 1]]);
    expect(r.plan).toBeUndefined();
  });

  it('reports a syntax error with its line:col', async () => {
    const r = await loadPipelineText('version: 1\nname: a\nextract: [oops\n', '/p/s.yml', opts);
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues[0]?.code).toBe('E_YAML');
    expect(r.issues[0]?.location?.file).toBe('/p/s.yml');
    expect(r.issues[0]?.location?.line).toBeGreaterThanOrEqual(3);
  });

  it('refuses an oversized file before parsing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-big-'));
    const file = join(dir, 'big.yml');
    writeFileSync(file, `a: "${'x'.repeat(MAX_FILE_BYTES)}"\n`);
    const started = Date.now();
    const r = await loadPipeline(file, opts);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.issues.map((i) => i.message)).toEqual(['pipeline file too large (over 10 MB)']);
    const t = await loadPipelineText('#'.repeat(MAX_FILE_BYTES + 1), '/p/t.yml', opts);
    expect(t.issues.map((i) => i.code)).toEqual(['E_FILE_TOO_LARGE']);
  });

  it('rejects a document that is not a mapping, and never lets __proto__ through', async () => {
    const r = await loadPipelineText('- a\n- b\n', '/p/l.yml', opts);
    expect(r.issues.map((i) => i.code)).toEqual(['E_NOT_A_MAPPING']);
    const empty = await loadPipelineText('# nothing yet\n', '/p/e.yml', opts);
    expect(empty.issues.map((i) => i.message)).toEqual(['the pipeline file is empty']);
    const parsed = parseYamlText('__proto__: { polluted: true }\n', '/p/x.yml');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(parsed.value as object)).toEqual(['__proto__']);
  });
});

describe('positions', () => {
  it('resolves merge keys and aliases with the positions of the anchor', () => {
    const parsed = parseYamlText('base: &b { path: a.csv, delimiter: ";" }\nextract:\n  <<: *b\n  type: csv\n', '/p/m.yml');
    expect(parsed.issues).toEqual([]);
    expect((parsed.value as Record<string, unknown>)['extract']).toEqual({ path: 'a.csv', delimiter: ';', type: 'csv' });
    expect(parsed.map.locate('/extract/delimiter')).toEqual({ file: '/p/m.yml', line: 1, col: 37 });
    expect(parsed.map.locate('/extract/type')).toEqual({ file: '/p/m.yml', line: 4, col: 9 });
  });

  it('maps an offset inside quoted and block scalars to its line:col', () => {
    const text = 'a: "x > (1"\nb: |\n  first line\n  second (line\nc: plain text here\n';
    const parsed = parseYamlText(text, '/p/o.yml');
    const ctx = lintContext(parsed.map, parsed.value);
    expect(ctx.locateOffset?.('/a', 4)).toEqual({ file: '/p/o.yml', line: 1, col: 9 });
    expect(ctx.locateOffset?.('/b', 'first line\nsecond '.length)).toEqual({ file: '/p/o.yml', line: 4, col: 10 });
    expect(ctx.locateOffset?.('/c', 6)).toEqual({ file: '/p/o.yml', line: 5, col: 10 });
    expect(ctx.locate('/c/nope')).toEqual({ file: '/p/o.yml', line: 5, col: 4 });
  });

  it('points transform lint errors inside the expression', async () => {
    const text = 'version: 1\nname: x\nextract: { type: csv, path: a.csv }\ntransform:\n  - type: filter\n    where: |\n      a > 1\n      and b)\nload: { type: csv, path: b.csv }\n';
    const r = await loadPipelineText(text, '/p/e.yml', opts);
    expect(r.issues.map((i) => [i.code, i.location?.line, i.location?.col])).toEqual([['E_EXPR_SYNTAX', 8, 12]]);
  });
});

describe('readPluginList', () => {
  it('reads plugins before the registry exists, and copes with junk', () => {
    expect(readPluginList('version: 1\nplugins: [./my-connector.js, 3, etl-plugin-x]\n', '/p/a.yml')).toEqual(['./my-connector.js', 'etl-plugin-x']);
    expect(readPluginList('[', '/p/a.yml')).toEqual([]);
    expect(readPluginList('- a\n', '/p/a.yml')).toEqual([]);
  });

  it('treats an empty section as absent', async () => {
    const r = await loadPipelineText('version: 1\nname: x\ntransform:\nvars:\nextract: { type: csv, path: a }\nload: { type: csv, path: b }\n', '/p/x.yml', opts);
    expect(r.issues).toEqual([]);
    expect(r.plan?.transforms).toEqual([]);
  });
});
