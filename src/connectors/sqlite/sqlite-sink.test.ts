import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, RecordSchema, Row } from '../../core/records/types.js';
import { createTestContext, type TestContext } from '../../testing/context.js';
import { exec, runtime, sql, writeRows } from './test-helpers.js';

const schema: RecordSchema = { columns: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }] };
const people = (from: number, to: number, tag = 'v1'): Row[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i, name: `${tag}-${from + i}` }));

/** Yields the given batches, then fails (or waits for the abort). */
async function* thenFail(batches: readonly Row[][], fail: () => Promise<never>): AsyncGenerator<RecordBatch> {
  for (const rows of batches) yield { schema, rows };
  await fail();
}

let ctx: TestContext;
afterEach(() => ctx?.cleanup());
const count = async (file: string, table = 't'): Promise<number> =>
  Number((await sql(file, `SELECT count(*) AS n FROM "${table.replace(/"/g, '""')}"`))[0]!.n);

describe('sqlite sink', () => {
  it('append is one transaction: a failing input after N rows leaves the table as it was', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'a.db');
    await writeRows({ path: 'a.db', table: 't' }, schema, [people(1, 10)], ctx);
    const run = writeRows({ path: 'a.db', table: 't' }, schema, thenFail([people(11, 500), people(501, 900)], async () => {
      throw new Error('input broke at row 901');
    }), ctx);
    await expect(run).rejects.toMatchObject({ code: 'E_SQLITE', message: expect.stringContaining('input broke at row 901') });
    expect(await count(file)).toBe(10);
    await writeRows({ path: 'a.db', table: 't' }, schema, [people(11, 12)], ctx);
    expect(await count(file)).toBe(12);
  });

  it('abort mid-run rolls back and reports an interruption', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'ab.db');
    await writeRows({ path: 'ab.db', table: 't' }, schema, [people(1, 3)], ctx);
    // like a real source: it notices the abort and throws the interruption
    const run = writeRows({ path: 'ab.db', table: 't', mode: 'overwrite' }, schema, thenFail([people(10, 600)], async () => {
      ctx.controller.abort();
      throwIfAborted(ctx.signal);
      throw new Error('unreachable');
    }), ctx);
    await expect(run).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    expect(await count(file)).toBe(3);
    const stopped = writeRows({ path: 'ab.db', table: 't', mode: 'overwrite' }, schema, [people(10, 20)], { ...ctx, signal: AbortSignal.abort() });
    await expect(stopped).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    expect(await count(file)).toBe(3);
  });

  it('abort between batches stops the write and keeps the old rows', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'ab2.db');
    await writeRows({ path: 'ab2.db', table: 't' }, schema, [people(1, 3)], ctx);
    const input = (async function* () {
      yield { schema, rows: people(10, 600) };
      ctx.controller.abort();
      yield { schema, rows: people(601, 700) };
    })();
    await expect(writeRows({ path: 'ab2.db', table: 't', mode: 'overwrite' }, schema, input, ctx)).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    expect(await sql(file, 'SELECT id FROM t ORDER BY id')).toEqual([{ id: 1n }, { id: 2n }, { id: 3n }]);
  });

  it('upsert twice keeps one copy and applies the updates', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'u.db');
    const o = { path: 'u.db', table: 't', mode: 'upsert', key: ['id'] };
    await writeRows(o, schema, [people(1, 250)], ctx);
    await writeRows(o, schema, [people(200, 300, 'v2')], ctx);
    expect(await count(file)).toBe(300);
    expect(await sql(file, 'SELECT name FROM t WHERE id IN (199, 200, 300) ORDER BY id')).toEqual([{ name: 'v1-199' }, { name: 'v2-200' }, { name: 'v2-300' }]);
    const ddl = await sql(file, "SELECT sql FROM sqlite_master WHERE name = 't'");
    expect(ddl[0]!.sql).toBe('CREATE TABLE "t" ("id" INTEGER NOT NULL, "name" TEXT, PRIMARY KEY ("id"))');
  });

  it('upsert into a table without a key constraint fails clearly and writes nothing', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'nk.db');
    await exec(file, 'CREATE TABLE t (id INTEGER, name TEXT); INSERT INTO t VALUES (1, \'old\');');
    const run = writeRows({ path: 'nk.db', table: 't', mode: 'upsert', key: ['id'] }, schema, [people(1, 2)], ctx);
    await expect(run).rejects.toMatchObject({
      code: 'E_SQLITE_UPSERT_CONSTRAINT',
      message: expect.stringContaining('no PRIMARY KEY or UNIQUE index on (id)'),
      hint: expect.stringContaining('CREATE UNIQUE INDEX'),
    });
    expect(await count(file)).toBe(1);
    await exec(file, 'CREATE UNIQUE INDEX t_id ON t (id)');
    await writeRows({ path: 'nk.db', table: 't', mode: 'upsert', key: ['ID'] }, schema, [people(1, 2)], ctx);
    expect(await sql(file, 'SELECT id, name FROM t ORDER BY id')).toEqual([{ id: 1n, name: 'v1-1' }, { id: 2n, name: 'v1-2' }]);
  });

  it('overwrite replaces the rows atomically', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'o.db');
    await writeRows({ path: 'o.db', table: 't' }, schema, [people(1, 5)], ctx);
    await expect(writeRows({ path: 'o.db', table: 't', mode: 'overwrite' }, schema, thenFail([people(100, 101)], async () => {
      throw new Error('boom');
    }), ctx)).rejects.toThrow('boom');
    expect(await count(file)).toBe(5);
    const r = await writeRows({ path: 'o.db', table: 't', mode: 'overwrite' }, schema, [people(100, 101)], ctx);
    expect(r.rows_written).toBe(2);
    expect(await sql(file, 'SELECT id FROM t ORDER BY id')).toEqual([{ id: 100n }, { id: 101n }]);
  });

  it('a hostile table name acts on exactly that literal name', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'h.db');
    await exec(file, 'CREATE TABLE victim (x); INSERT INTO victim VALUES (1);');
    const hostile = 'x"; DROP TABLE victim; --';
    const { sink } = await runtime();
    const plan = await sink!.plan({ path: 'h.db', table: hostile, mode: 'overwrite' }, schema, ctx);
    expect(plan.statements).toContain('CREATE TABLE "x""; DROP TABLE victim; --" ("id" INTEGER, "name" TEXT)');
    await writeRows({ path: 'h.db', table: hostile, mode: 'overwrite' }, schema, [people(1, 5)], ctx);
    await expect(writeRows({ path: 'h.db', table: hostile, mode: 'upsert', key: ['id'] }, schema, [people(3, 4)], ctx)).rejects.toMatchObject({ code: 'E_SQLITE_UPSERT_CONSTRAINT' });
    await writeRows({ path: 'h.db', table: hostile, mode: 'overwrite' }, schema, [people(1, 2)], ctx);
    expect(await count(file, 'victim')).toBe(1);
    expect(await count(file, hostile)).toBe(2);
    expect((await sql(file, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name)).toEqual(['victim', hostile]);
  });

  it('plan lists the exact statements and the type map, and creates no file', async () => {
    ctx = createTestContext();
    const { sink } = await runtime();
    const plan = await sink!.plan({ path: 'p.db', table: 'orders', mode: 'upsert', key: ['id'] }, schema, ctx);
    expect(plan.target).toBe('p.db:orders');
    expect(plan.statements).toEqual([
      'BEGIN IMMEDIATE',
      'CREATE TABLE "orders" ("id" INTEGER NOT NULL, "name" TEXT, PRIMARY KEY ("id"))',
      'INSERT INTO "orders" ("id", "name") VALUES (?, ?) ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name"',
      'COMMIT',
    ]);
    expect(plan.type_map).toEqual({ id: 'INTEGER', name: 'TEXT' });
    expect(existsSync(join(ctx.dir, 'p.db'))).toBe(false);
  });

  it('rejects rows SQLite refuses and writes the rest', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'c.db');
    await exec(file, 'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    const rows: Row[] = [...people(1, 150), { id: 151, name: null }, ...people(152, 160), { id: 1, name: 'dup' }];
    const r = await writeRows({ path: 'c.db', table: 't' }, schema, [rows], ctx);
    expect(r.rows_written).toBe(159);
    expect(await count(file)).toBe(159);
    expect(ctx.rejects.map((x) => x.record)).toEqual([{ id: 151, name: null }, { id: 1, name: 'dup' }]);
    expect(ctx.rejects[0]!.reason).toContain('NOT NULL');
  });

  it('on_schema_change: fail, add_columns and ignore', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 's.db');
    await exec(file, 'CREATE TABLE t (id INTEGER)');
    await expect(writeRows({ path: 's.db', table: 't' }, schema, [people(1, 1)], ctx)).rejects.toMatchObject({ code: 'E_SQLITE_SCHEMA_CHANGE' });
    await writeRows({ path: 's.db', table: 't', on_schema_change: 'ignore' }, schema, [people(1, 1)], ctx);
    expect(ctx.emitted.some((e) => e.type === 'warning' && e.message.includes('name'))).toBe(true);
    await writeRows({ path: 's.db', table: 't', on_schema_change: 'add_columns' }, schema, [people(2, 2)], ctx);
    expect(await sql(file, 'SELECT id, name FROM t ORDER BY id')).toEqual([{ id: 1n, name: null }, { id: 2n, name: 'v1-2' }]);
  });

  it('create_table: false fails when the table is missing; commit_every keeps committed chunks', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'ce.db');
    await expect(writeRows({ path: 'ce.db', table: 't', create_table: false }, schema, [people(1, 1)], ctx)).rejects.toMatchObject({ code: 'E_SQLITE_NO_TABLE' });
    await expect(writeRows({ path: 'ce.db', table: 't', commit_every: 100 }, schema, thenFail([people(1, 100), people(101, 150)], async () => {
      throw new Error('late failure');
    }), ctx)).rejects.toThrow('late failure');
    expect(await count(file)).toBe(100);
  });
});
