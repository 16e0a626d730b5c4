import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres } from '../../src/connectors/postgres/index.js';
import type { SinkRuntime } from '../../src/connectors/define.js';
import type { RecordBatch, RecordSchema, Row } from '../../src/core/records/types.js';
import { requireDatabaseUrl } from './database.js';
import { batchesOf, pgContext, uniqueName, withClient } from './helpers.js';

// Rows the target refuses become rejects with PostgreSQL's reason and the row's position;
// with refused_rows 'reject' the others load, with 'fail' (the default) nothing does.
let url: string;
let sink: SinkRuntime;
const ns = uniqueName('refuse');
const schema: RecordSchema = { columns: [{ name: 'id', type: 'integer' }, { name: 'v', type: 'integer' }, { name: 'code', type: 'string' }] };
const query = (sql: string) => withClient(url, async (c) => (await c.query(sql)).rows);
const ids = async (table: string) => (await query(`SELECT id FROM "${ns}".${table} ORDER BY id`)).map((r) => Number(r.id));

function rows(n: number, bad: (i: number) => Partial<Row> | undefined): Row[] {
  return Array.from({ length: n }, (_, k) => ({ id: k + 1, v: k + 1, code: 'ab', ...bad(k + 1) }));
}

async function load(table: string, options: Record<string, unknown>, input: AsyncIterable<RecordBatch>, refused_rows: 'reject' | 'fail') {
  const ctx = pgContext(url, { refused_rows });
  const plan = await sink.plan({ table: `${ns}.${table}`, ...options }, schema, ctx);
  try {
    return { ctx, result: await sink.apply(plan, input, ctx), error: undefined };
  } catch (error) {
    return { ctx, result: undefined, error: error as Error };
  }
}

beforeAll(async () => {
  url = requireDatabaseUrl();
  sink = (await postgres.load()).sink!;
  await query(`CREATE SCHEMA "${ns}"`);
});

afterAll(async () => {
  if (url) await query(`DROP SCHEMA "${ns}" CASCADE`);
});

describe('postgres sink: refused rows', () => {
  it('append: CHECK and too-long values are rejected with reason and row; the rest load', async () => {
    await query(`CREATE TABLE "${ns}".chk (id bigint, v bigint CHECK (v > 0), code varchar(3))`);
    const input = rows(10, (i) => (i === 2 || i === 9 ? { v: -1 } : i === 5 ? { code: 'toolong' } : undefined));
    const { ctx, result, error } = await load('chk', {}, batchesOf(schema, input, 4), 'reject');
    expect(error).toBeUndefined();
    expect(result?.rows_written).toBe(7);
    expect(await ids('chk')).toEqual([1, 3, 4, 6, 7, 8, 10]);
    expect(ctx.rejects.map((r) => r.position)).toEqual([{ row: 2 }, { row: 5 }, { row: 9 }]);
    expect(ctx.rejects[0]!.reason).toMatch(/violates check constraint "chk_v_check" \[23514\]/);
    expect(ctx.rejects[1]!.reason).toMatch(/value too long for type character varying\(3\) \[22001\]/);
    expect(ctx.rejects[2]!.record).toEqual({ id: 9, v: -1, code: 'ab' });
  });

  it('append: many refusals in one batch keep every good row exactly once', async () => {
    await query(`CREATE TABLE "${ns}".many (id bigint PRIMARY KEY, v bigint CHECK (v % 10 <> 0), code text)`);
    const { ctx, result, error } = await load('many', {}, batchesOf(schema, rows(2500, () => undefined), 1000), 'reject');
    expect(error).toBeUndefined();
    expect(result?.rows_written).toBe(2250);
    expect(ctx.rejects).toHaveLength(250);
    expect(ctx.rejects.every((r) => Number((r.record as Row).id) % 10 === 0)).toBe(true);
    const loaded = await ids('many');
    expect(loaded).toHaveLength(2250);
    expect(loaded.some((id) => id % 10 === 0)).toBe(false);
  });

  it('append: a foreign key (no COPY line in the error) is found by halving the batch', async () => {
    await query(`CREATE TABLE "${ns}".parent (id bigint PRIMARY KEY); INSERT INTO "${ns}".parent SELECT g FROM generate_series(1, 100) g`);
    await query(`CREATE TABLE "${ns}".child (id bigint, v bigint REFERENCES "${ns}".parent (id), code text)`);
    const input = rows(40, (i) => (i === 7 || i === 31 ? { v: 1000 + i } : undefined));
    const { ctx, result, error } = await load('child', {}, batchesOf(schema, input, 40), 'reject');
    expect(error).toBeUndefined();
    expect(result?.rows_written).toBe(38);
    expect(ctx.rejects.map((r) => r.position)).toEqual([{ row: 7 }, { row: 31 }]);
    expect(ctx.rejects[0]!.reason).toMatch(/foreign key constraint .* \[23503\]: Key \(v\)=\(1007\) is not present/);
  });

  it('upsert: rows the merge refuses (NOT NULL) are rejected from staging; a repeated key still merges', async () => {
    await query(`CREATE TABLE "${ns}".up (id bigint PRIMARY KEY, v bigint NOT NULL, code text)`);
    await query(`INSERT INTO "${ns}".up VALUES (1, 100, 'old'), (4, 400, 'old')`);
    const input = [...rows(6, (i) => (i === 3 ? { v: null } : undefined)), { id: 2, v: 22, code: 'again' }];
    const { ctx, result, error } = await load('up', { mode: 'upsert', key: ['id'] }, batchesOf(schema, input, 3), 'reject');
    expect(error).toBeUndefined();
    expect(result?.rows_written).toBe(6);
    expect(ctx.rejects).toHaveLength(1);
    expect(ctx.rejects[0]).toMatchObject({ record: { id: 3, v: null, code: 'ab' }, position: { row: 3 } });
    expect(ctx.rejects[0]!.reason).toMatch(/not-null constraint \[23502\]/);
    const back = await query(`SELECT id, v, code FROM "${ns}".up ORDER BY id`);
    expect(back.map((r) => [Number(r.id), Number(r.v), r.code])).toEqual([[1, 1, 'ab'], [2, 22, 'again'], [4, 4, 'ab'], [5, 5, 'ab'], [6, 6, 'ab']]);
  });

  it("by default ('fail') the first refused row is rejected, the load fails and the table is unchanged", async () => {
    await query(`CREATE TABLE "${ns}".strict (id bigint, v bigint CHECK (v > 0), code text)`);
    await query(`INSERT INTO "${ns}".strict VALUES (100, 1, 'x')`);
    const input = rows(3000, (i) => (i === 2500 ? { v: 0 } : undefined));
    const { ctx, error } = await load('strict', {}, batchesOf(schema, input, 1000), 'fail');
    expect(error?.message).toMatch(/violates check constraint/);
    expect(ctx.rejects).toHaveLength(1);
    expect(ctx.rejects[0]).toMatchObject({ record: { id: 2500, v: 0 }, position: { row: 2500 } });
    expect(await ids('strict')).toEqual([100]);
  });
});
