import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Issue } from '../../core/issues.js';
import { createTestContext, type TestContext } from '../../testing/context.js';
import type { CheckContext } from '../define.js';
import { sqliteDialect } from './dialect.js';
import { sqlite } from './index.js';
import { exec, readRows, runtime } from './test-helpers.js';

let ctx: TestContext;
let file: string;
beforeEach(async () => {
  ctx = createTestContext({ batch_size: 4 });
  file = join(ctx.dir, 'src.db');
  const values = Array.from({ length: 10 }, (_, i) => `(${i + 1}, 'n${i + 1}', '2024-01-0${Math.floor(i / 2) + 1} 1${i % 2}:00:00')`);
  await exec(file, `CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT, updated_at DATETIME); INSERT INTO events VALUES ${values.join(',')};`);
});
afterEach(() => ctx.cleanup());

const checkCtx = (c: TestContext, path = '/extract'): CheckContext => ({
  signal: c.signal,
  pipeline: c.pipeline,
  path,
  issue: (p, code, message, hint): Issue => ({ severity: 'error', code, message, path: p, ...(hint ? { hint } : {}) }),
});

describe('sqlite source', () => {
  it('reads a table in batches of batch_size with row positions', async () => {
    const { rows, batches } = await readRows({ path: 'src.db', table: 'events' }, ctx);
    expect(batches.map((b) => b.rows.length)).toEqual([4, 4, 2]);
    expect(rows[9]).toEqual({ id: 10, name: 'n10', updated_at: '2024-01-05T11:00:00' });
    expect(batches[2]!.origin?.[1]).toEqual({ row: 10 });
  });

  it('incremental window on an integer column of a query with params', async () => {
    const c = createTestContext({ dir: ctx.dir, incremental: { column: 'id', after: '3', until: '8' } });
    const { rows } = await readRows({ path: 'src.db', query: 'SELECT id, name FROM events WHERE id <> ?;', params: [5] }, c);
    expect(rows.map((r) => r.id)).toEqual([4, 6, 7, 8]);
  });

  it('incremental window on a DATETIME column compares in ISO form, ordered', async () => {
    const c = createTestContext({ dir: ctx.dir, incremental: { column: 'updated_at', after: '2024-01-02T11:00:00' } });
    const { rows } = await readRows({ path: 'src.db', table: 'events' }, c);
    expect(rows.map((r) => r.id)).toEqual([5, 6, 7, 8, 9, 10]);
    // the watermark the engine takes from the last row reads nothing new next time
    const again = createTestContext({ dir: ctx.dir, incremental: { column: 'updated_at', after: String(rows.at(-1)!.updated_at) } });
    expect((await readRows({ path: 'src.db', table: 'events' }, again)).rows).toEqual([]);
  });

  it('a query with no rows yields one empty batch that still carries the columns', async () => {
    const { batches } = await readRows({ path: 'src.db', query: 'SELECT id, name, updated_at, 1 AS one FROM events WHERE id > ?', params: [100] }, ctx);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.rows).toEqual([]);
    expect(batches[0]!.schema.columns.map((c) => [c.name, c.type])).toEqual([['id', 'integer'], ['name', 'string'], ['updated_at', 'timestamp'], ['one', 'string']]);
  });

  it('describe returns the exact SQL it will run', async () => {
    const { source } = await runtime();
    const c = createTestContext({ dir: ctx.dir, incremental: { column: 'id', after: '3' } });
    const d = await source!.describe!({ path: 'src.db', query: 'SELECT * FROM events;' }, c);
    expect(d.statements).toEqual(['SELECT * FROM (\nSELECT * FROM events\n) AS src WHERE src."id" > ? ORDER BY src."id"']);
    expect(d.summary).toBe('sqlite src.db: SELECT * FROM ( SELECT * FROM events ) AS src WHERE src."id" > ? ORDER BY src."id"');
  });

  it('honours limit, and abort between batches', async () => {
    const limited = createTestContext({ dir: ctx.dir, batch_size: 4, limit: 6 });
    expect((await readRows({ path: 'src.db', table: 'events' }, limited)).rows).toHaveLength(6);
    const { source } = await runtime();
    const seen: number[] = [];
    const read = async (): Promise<void> => {
      for await (const b of source!.read({ path: 'src.db', table: 'events' }, ctx)) {
        seen.push(b.rows.length);
        ctx.controller.abort();
      }
    };
    await expect(read()).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    expect(seen).toEqual([4]);
  });

  it('check finds a missing table and a broken query; a missing file is a clear error', async () => {
    const { source } = await runtime();
    expect(await source!.check!({ path: 'src.db', table: 'events' }, checkCtx(ctx))).toEqual([]);
    expect(await source!.check!({ path: 'src.db', table: 'nope' }, checkCtx(ctx))).toMatchObject([{ code: 'E_SQLITE_NO_TABLE', path: '/extract/table' }]);
    expect(await source!.check!({ path: 'src.db', query: 'SELEC 1' }, checkCtx(ctx))).toMatchObject([{ code: 'E_SQLITE', path: '/extract/query' }]);
    await expect(readRows({ path: 'missing.db', table: 'events' }, ctx)).rejects.toMatchObject({ code: 'E_SQLITE_NO_FILE' });
    await expect(readRows({ path: 'src.db', table: 'nope' }, ctx)).rejects.toMatchObject({ message: expect.stringContaining('no such table: nope') });
  });

  it('reads through a connection; a read_only connection cannot be a sink', async () => {
    const c = createTestContext({ dir: ctx.dir, connection: { path: file, read_only: true } });
    expect((await readRows({ connection: 'app', table: 'events' }, c)).rows).toHaveLength(10);
    const { sink } = await runtime();
    await expect(sink!.plan({ connection: 'app', table: 'x' }, { columns: [] }, c)).rejects.toMatchObject({ code: 'E_SQLITE_READ_ONLY' });
    await expect(readRows({ connection: 'app', path: 'src.db', table: 'events' }, c)).rejects.toMatchObject({ code: 'E_SQLITE_TARGET' });
  });
});

describe('sqlite definition', () => {
  it('turns copy URLs into connections', () => {
    expect(sqlite.connectionFromUrl!('sqlite:data/app.db')).toEqual({ path: 'data/app.db' });
    expect(sqlite.connectionFromUrl!('sqlite:///abs/path.db')).toEqual({ path: '/abs/path.db' });
    expect(sqlite.connectionFromUrl!('sqlite::memory:')).toEqual({ path: ':memory:' });
    expect(sqlite.connectionFromUrl!('sqlite:my%20file.db?mode=ro')).toEqual({ path: 'my file.db', read_only: true });
    expect(() => sqlite.connectionFromUrl!('sqlite:')).toThrow('no file path');
  });

  it('lint: exactly one of path/connection, table/query; key only for upsert; no commit_every with overwrite', () => {
    const lintCtx = { locate: () => undefined, issue: (path: string, code: string, message: string): Issue => ({ severity: 'error', code, message, path }) };
    const codes = (role: 'source' | 'sink', options: Record<string, unknown>, connection?: Record<string, unknown>): string[] =>
      sqlite.lint!({ role, options, path: '/x', ...(connection ? { connection } : {}) }, lintCtx).map((i) => i.code);
    expect(codes('source', { path: 'a.db', table: 't' })).toEqual([]);
    expect(codes('source', { table: 't' })).toEqual(['E_SQLITE_TARGET']);
    expect(codes('source', { path: 'a.db', connection: 'c', table: 't', query: 'q' })).toEqual(['E_SQLITE_TARGET', 'E_SQLITE_SOURCE']);
    expect(codes('source', { path: 'a.db', table: 't', params: [1] })).toEqual(['E_SQLITE_PARAMS']);
    expect(codes('sink', { path: 'a.db', table: 't', mode: 'append', key: ['id'] })).toEqual(['W_KEY_UNUSED']);
    expect(codes('sink', { path: 'a.db', table: 't', mode: 'overwrite', commit_every: 10 })).toEqual(['E_SQLITE_COMMIT_EVERY']);
    expect(codes('sink', { connection: 'c', table: 't' }, { path: 'a.db', read_only: true })).toEqual(['E_SQLITE_READ_ONLY']);
  });

  it('the dialect keeps a dotted table name as one literal identifier', () => {
    expect(sqliteDialect.table('analytics.orders').sql).toBe('"analytics.orders"');
    expect(sqliteDialect.placeholder(3)).toBe('?');
    expect(sqliteDialect.types.toNative({ name: 'a', type: 'decimal', precision: 18, scale: 2 })).toBe('DECIMAL_TEXT(18,2)');
  });

  it('declares the copy extensions, schemes and capabilities', () => {
    expect(sqlite.extensions).toEqual(['.db', '.sqlite', '.sqlite3']);
    expect(sqlite.url_schemes).toEqual(['sqlite']);
    expect(sqlite.sink!.capabilities).toEqual({ modes: ['append', 'overwrite', 'upsert'], transactional: true, atomic_replace: false, single_writer: true });
  });
});
