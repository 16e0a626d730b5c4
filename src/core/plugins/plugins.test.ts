import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadPipelineText } from '../config/index.js';
import { composePipelineSchema } from '../schema/index.js';
import { builtinConnectors, createRegistry } from '../../registry.js';
import { builtinTransforms } from '../../transforms/index.js';
import { loadPlugins, pluginRequests, resolvePlugin } from './index.js';

const EXAMPLE = resolve(fileURLToPath(new URL('../../../examples/plugins/sequence-plugin/index.js', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'etl-plugins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const reserved = { connectors: builtinConnectors.map((c) => c.name), transforms: builtinTransforms.map((t) => t.name) };

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

async function problems(spec: string): Promise<string[]> {
  try {
    await loadPlugins([{ spec, dir }], { reserved });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => `${i.code} ${i.message}`);
  }
  throw new Error(`${spec} loaded`);
}

const SOURCE = `{ name: 'thing', summary: 'a thing', docs: '', source: { options: { type: 'object', properties: {} }, capabilities: { incremental: false, knows_schema: false } }, load: async () => ({}) }`;

describe('loadPlugins', () => {
  it('loads the example plugin by path: its connector and transform join the registry and the schema', async () => {
    const loaded = await loadPlugins([{ spec: EXAMPLE, dir }], { reserved });
    expect(loaded.connectors.map((c) => c.name)).toEqual(['sequence']);
    expect(loaded.transforms.map((t) => t.name)).toEqual(['uppercase']);
    expect(loaded.plugins).toEqual([{ spec: EXAMPLE, file: EXAMPLE, connectors: ['sequence'], transforms: ['uppercase'] }]);
    const registry = createRegistry(loaded);
    expect(registry.connector('sequence')?.status).toBe('experimental');
    expect(JSON.stringify(composePipelineSchema(registry))).toContain('extract sequence');
  });

  it('plugin options validate with file:line:col, and their defaults reach the plan', async () => {
    const registry = createRegistry(await loadPlugins([{ spec: EXAMPLE, dir }], { reserved }));
    const text = (count: string) => `version: 1\nname: seq\nextract:\n  type: sequence\n  count: ${count}\ntransform:\n  - type: uppercase\n    colums: [label]\nload: { type: csv, path: out.csv }\n`;
    const bad = await loadPipelineText(text('many'), join(dir, 'p.yml'), { registry, environment: {} });
    const errors = bad.issues.filter((i) => i.severity === 'error').map((i) => [i.path, i.location?.line, i.location?.col]);
    expect(errors).toContainEqual(['/extract/count', 5, 10]);
    expect(errors.some(([path, line]) => String(path).startsWith('/transform/0') && line === 8)).toBe(true);
    const good = await loadPipelineText(text('5').replace('colums', 'columns'), join(dir, 'p.yml'), { registry, environment: {} });
    expect(good.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(good.plan?.extract.options).toEqual({ count: 5, start: 1 });
  });

  it('accepts a default export and finds packages from the pipeline dir, then the fallback', async () => {
    file('node_modules/etl-plugin-thing/package.json', JSON.stringify({ name: 'etl-plugin-thing', type: 'module', main: 'main.js' }));
    file('node_modules/etl-plugin-thing/main.js', `export default { connectors: [${SOURCE}] };`);
    const loaded = await loadPlugins([{ spec: 'etl-plugin-thing', dir }], { reserved });
    expect(loaded.connectors.map((c) => c.name)).toEqual(['thing']);
    const elsewhere = mkdtempSync(join(tmpdir(), 'etl-plugins-other-'));
    try {
      expect(resolvePlugin('etl-plugin-thing', elsewhere, dir)).toBe(join(dir, 'node_modules/etl-plugin-thing/main.js'));
      expect(() => resolvePlugin('etl-plugin-thing', elsewhere)).toThrow(/package not found/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('names the plugin and what is wrong with each definition', async () => {
    file('bad-shape.mjs', `export const connectors = [{ name: 'Bad Name', summary: '', docs: 1, source: { options: { type: 'string' }, capabilities: {} } }];
export const transforms = [{ name: 'ok_name', summary: 's', docs: '', options: { type: 'object', properties: { a: { type: 'strin' } } }, load: () => {} }];`);
    const [message] = await problems('./bad-shape.mjs');
    expect(message).toContain('E_PLUGIN plugin ./bad-shape.mjs:');
    expect(message).toContain('connector "Bad Name": `name` must be a lower snake case string');
    expect(message).toContain('`summary` must be a non-empty string');
    expect(message).toContain('`docs` must be a string');
    expect(message).toContain('`load` must be a function');
    expect(message).toContain('`source.options` must be a schema of `type: \'object\'`');
    expect(message).toContain('transform "ok_name": `options` is not a valid JSON Schema');
  });

  it('refuses a name clash with a built-in or another plugin, empty modules, missing files and non-JS files', async () => {
    file('clash.mjs', `export const connectors = [${SOURCE.replace("'thing'", "'csv'")}];`);
    expect(await problems('./clash.mjs')).toEqual([expect.stringContaining('connector "csv" is already a built-in connector')]);
    // without `reserved` the built-ins are reserved all the same
    await expect(loadPlugins([{ spec: './clash.mjs', dir }])).rejects.toMatchObject({ issues: [expect.objectContaining({ message: expect.stringContaining('already a built-in connector') })] });
    file('twice-a.mjs', `export const connectors = [${SOURCE}];`);
    file('twice-b.mjs', `export const connectors = [${SOURCE}];`);
    await expect(loadPlugins([{ spec: './twice-a.mjs', dir }, { spec: './twice-b.mjs', dir }], { reserved })).rejects.toMatchObject({
      issues: [expect.objectContaining({ message: expect.stringContaining('connector "thing" is already defined by plugin ./twice-a.mjs') })],
    });
    file('empty.mjs', 'export const nothing = 1;');
    expect(await problems('./empty.mjs')).toEqual([expect.stringContaining('exports no `connectors` or `transforms`')]);
    expect(await problems('./missing.js')).toEqual([expect.stringContaining('no such file')]);
    expect(await problems('./plugin.ts')).toEqual([expect.stringContaining('must be a .js or .mjs module')]);
    expect(await problems('etl-plugin-not-installed')).toEqual([expect.stringContaining('package not found')]);
    file('throws.mjs', 'throw new Error("plugin init failed");');
    expect(await problems('./throws.mjs')).toEqual([expect.stringContaining('plugin init failed')]);
  });

  it('pluginRequests: file entries with their file:line:col, flags from the cwd', async () => {
    const pipeline = join(dir, 'sub', 'p.yml');
    const text = 'version: 1\nname: p\nplugins:\n  - ./nowhere.js\n  - 3\n';
    const requests = pluginRequests(text, pipeline, ['./flag.js'], dir);
    expect(requests).toEqual([
      { spec: './nowhere.js', dir: join(dir, 'sub'), path: '/plugins/0', location: { file: pipeline, line: 4, col: 5 } },
      { spec: './flag.js', dir, lookup: [join(dir, 'sub'), dir] },
    ]);
    await expect(loadPlugins(requests)).rejects.toMatchObject({
      issues: [
        expect.objectContaining({ location: { file: pipeline, line: 4, col: 5 }, message: expect.stringContaining('./nowhere.js: no such file') }),
        expect.objectContaining({ message: expect.stringContaining('./flag.js: no such file') }),
      ],
    });
  });
});
