import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../testing/context.js';
import { findDriver, DRIVER_MESSAGE } from './driver.js';
import { readRows, runtime, writeRows } from './test-helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const schema = { columns: [{ name: 'id', type: 'integer' as const }, { name: 'name', type: 'string' as const }] };

/** A child process that runs the real sink (overwrite) and SIGKILLs itself mid-transaction. */
const child = (dir: string): string => `
import { sqlite } from ${JSON.stringify(join(here, 'index.ts'))};
import { createTestContext } from ${JSON.stringify(join(here, '../../testing/context.ts'))};
const ctx = createTestContext({ dir: ${JSON.stringify(dir)} });
const schema = ${JSON.stringify(schema)};
const { sink } = await sqlite.load();
const plan = await sink.plan({ path: 'k.db', table: 't', mode: 'overwrite' }, schema, ctx);
async function* input() {
  for (let b = 0; ; b++) {
    // ~8 MB of rows: more than the page cache, so changes reach the file before COMMIT
    yield { schema, rows: Array.from({ length: 2000 }, (_, i) => ({ id: b * 2000 + i, name: 'x'.repeat(200) })) };
    if (b === 20) process.kill(process.pid, 'SIGKILL');
  }
}
await sink.apply(plan, input(), ctx);
`;

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

describe('sqlite crash safety', () => {
  it('a killed run (SIGKILL mid-transaction) leaves the table as it was', async () => {
    ctx = createTestContext();
    await writeRows({ path: 'k.db', table: 't' }, schema, [[{ id: 1, name: 'a' }, { id: 2, name: 'b' }]], ctx);
    // the bundle must live under the project so the child resolves better-sqlite3
    const bundle = join(here, `.crash-child-${process.pid}.mjs`);
    const entry = join(ctx.dir, 'child.ts');
    writeFileSync(entry, child(ctx.dir));
    try {
      await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, external: ['better-sqlite3'], logLevel: 'error' });
      const run = spawnSync(process.execPath, [bundle], { encoding: 'utf8', timeout: 60_000 });
      expect(run.signal).toBe('SIGKILL');
    } finally {
      rmSync(bundle, { force: true });
    }
    expect(existsSync(join(ctx.dir, 'k.db-journal'))).toBe(true);
    const { rows } = await readRows({ path: 'k.db', table: 't' }, ctx);
    expect(rows).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    await writeRows({ path: 'k.db', table: 't' }, schema, [[{ id: 3, name: 'c' }]], ctx);
    expect((await readRows({ path: 'k.db', table: 't' }, ctx)).rows).toHaveLength(3);
  });

  it('without node:sqlite or better-sqlite3 the run stops with E_SQLITE_DRIVER', async () => {
    await expect(findDriver(async () => undefined)).rejects.toMatchObject({
      code: 'E_SQLITE_DRIVER',
      message: DRIVER_MESSAGE,
      hint: 'npm install better-sqlite3, or upgrade Node',
    });
  });

  it('check (validate --connections) reports what a run would fail on', async () => {
    ctx = createTestContext();
    const { sink, checkConnection } = await runtime();
    const checkCtx = {
      signal: ctx.signal,
      pipeline: ctx.pipeline,
      path: '/load',
      issue: (path: string, code: string, message: string) => ({ severity: 'error' as const, code, message, path }),
    };
    expect(await sink!.check!({ path: 'new/dir/x.db', table: 't', mode: 'upsert', key: ['id'] }, checkCtx)).toEqual([]);
    await writeRows({ path: 'c.db', table: 't' }, schema, [[{ id: 1, name: 'a' }]], ctx);
    expect(await sink!.check!({ path: 'c.db', table: 't', mode: 'upsert', key: ['id'] }, checkCtx)).toMatchObject([{ code: 'E_SQLITE_UPSERT_CONSTRAINT', path: '/load/key' }]);
    expect(await sink!.check!({ path: 'c.db', table: 'u', create_table: false }, checkCtx)).toMatchObject([{ code: 'E_SQLITE_NO_TABLE', path: '/load/table' }]);
    expect(await checkConnection!({ path: 'c.db' }, { ...checkCtx, path: '/connections/app' })).toEqual([]);
    writeFileSync(join(ctx.dir, 'not.db'), 'this is not a database, just text long enough to have a header');
    expect(await checkConnection!({ path: 'not.db' }, { ...checkCtx, path: '/connections/app' })).toMatchObject([{ path: '/connections/app/path' }]);
    expect(await checkConnection!({ path: 'no/such/dir/x.db' }, { ...checkCtx, path: '/connections/app' })).toMatchObject([{ code: 'E_SQLITE_NO_DIR' }]);
  });
});
