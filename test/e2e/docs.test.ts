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
    expect(result.code).toBe(0);
  });
});
