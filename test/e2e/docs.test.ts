import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from './helpers.js';

const run = promisify(execFile);

describe('generated docs', () => {
  beforeAll(() => assertBuilt());

  it('README connectors section matches the definitions', async () => {
    const result = await run(process.execPath, ['scripts/gen-docs.mjs', '--check'], { cwd: ROOT }).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code ?? 1, stderr: e.stderr ?? '' }),
    );
    expect(result.stderr, 'README is stale: run npm run docs').toBe('');
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('gen-docs script', () => {
  it('flags a stale section and regenerates it from the definitions', async () => {
    const { mkdtemp, readFile, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'etl-docs-'));
    const file = join(dir, 'README.md');
    await writeFile(file, '# t\n\n<!-- generated:connectors:start -->\nold\n<!-- generated:connectors:end -->\n\n## rest\n');
    const script = ['scripts/gen-docs.mjs', '--readme', file];
    const stale = await run(process.execPath, [...script, '--check'], { cwd: ROOT }).catch((e: { code?: number; stderr?: string }) => e);
    expect((stale as { code?: number }).code).toBe(1);
    expect((stale as { stderr?: string }).stderr).toContain('README is stale: run npm run docs');
    await run(process.execPath, script, { cwd: ROOT });
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/### csv\n\n.*\n\nroles: source, sink/);
    expect(text).toContain('| `path` | string |  | yes |');
    expect(text).toMatch(/### filter/);
    expect(text.endsWith('<!-- generated:connectors:end -->\n\n## rest\n')).toBe(true);
    await run(process.execPath, [...script, '--check'], { cwd: ROOT });
    await rm(dir, { recursive: true, force: true });
  });
});

describe('README yaml examples', () => {
  it('every ```yaml block with `version:` in README.md validates', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { cli, tempDir, removeTempDirs } = await import('./helpers.js');
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    // blocks may be indented inside a list item: strip that indent
    const blocks = [...readme.matchAll(/^( *)```ya?ml\n([\s\S]*?)^ *```/gm)]
      .map((m) => (m[2] ?? '').split('\n').map((line) => line.slice((m[1] ?? '').length)).join('\n'))
      .filter((b) => /^version:/m.test(b));
    expect(blocks.length).toBeGreaterThan(0);
    const dir = await tempDir();
    const env: Record<string, string> = {};
    const files: string[] = [];
    for (const [i, block] of blocks.entries()) {
      for (const m of block.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)/g)) env[m[1] as string] = 'postgres://u@localhost/db';
      const name = `readme-${i + 1}.yml`;
      await writeFile(join(dir, name), block);
      files.push(name);
    }
    const r = await cli(['validate', ...files], { cwd: dir, env });
    await removeTempDirs();
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
  });
});
