import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres } from '../../src/connectors/postgres/index.js';
import type { SinkRuntime, SourceRuntime } from '../../src/connectors/define.js';
import type { RecordSchema, Row } from '../../src/core/records/types.js';
import { collectBatches } from '../../src/testing/context.js';
import { requireDatabaseUrl } from './database.js';
import { batchesOf, failingAfter, pgContext, uniqueName, withClient } from './helpers.js';

let url: string;
let sink: SinkRuntime;
let source: SourceRuntime;
const ns = uniqueName('sink');

const people: RecordSchema = { columns: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }] };
const rowsOf = (from: number, to: number, tag = 'v1'): Row[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i, name: `${tag}-${from + i}` }));

async function load(options: Record<string, unknown>, schema: RecordSchema, input: AsyncIterable<import('../../src/core/records/types.js').RecordBatch>, ctx = pgContext(url)) {
  const plan = await sink.plan(options, schema, ctx);
  return { plan, result: await sink.apply(plan, input, ctx) };
}

const query = (sql: string) => withClient(url, async (c) => (await c.query(sql)).rows);
const count = async (table: string) => Number((await query(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);

beforeAll(async () => {
  url = requireDatabaseUrl();
  const runtime = await postgres.load();
  sink = runtime.sink!;
  source = runtime.source!;
  await query(`CREATE SCHEMA "${ns}"`);
});

afterAll(async () => {
  if (url) await query(`DROP SCHEMA "${ns}" CASCADE`);
});

describe('postgres sink: types', () => {
  it('round-trips every canonical type, NULLs and empty strings through create_table + COPY', async () => {
    const schema: RecordSchema = {
      columns: [
        { name: 'id', type: 'integer' }, { name: 'big', type: 'integer' }, { name: 'num', type: 'number' },
        { name: 'dec', type: 'decimal', precision: 20, scale: 2 }, { name: 'dec_any', type: 'decimal' },
        { name: 'flag', type: 'boolean' }, { name: 'day', type: 'date' },
        { name: 'ts', type: 'timestamp' }, { name: 'tz', type: 'timestamp', with_zone: true },
        { name: 'txt', type: 'string' }, { name: 'doc', type: 'json' }, { name: 'bin', type: 'binary' },
      ],
    };
    const rows: Row[] = [
      {
        id: 1, big: 9007199254740993n, num: -0.125, dec: '123456789012345678.12', dec_any: '0.000000000000000001',
        flag: true, day: '2024-02-29', ts: '2024-01-02T03:04:05.123456', tz: '2024-01-02T03:04:05.000001Z',
        txt: 'a,b "c"\nd\\e\tf ✓ 😀', doc: { a: [1, 'x', null], s: 'q"uote,' }, bin: new Uint8Array([0, 92, 255, 10, 44, 34]),
      },
      { id: 2, big: -5, num: 1e300, dec: '-0.01', dec_any: '1', flag: false, day: '1970-01-01', ts: '2000-01-01T00:00:00', tz: '1999-12-31T23:59:59.5Z', txt: '', doc: 'just a string', bin: new Uint8Array([]) },
      { id: 3, big: null, num: null, dec: null, dec_any: null, flag: null, day: null, ts: null, tz: null, txt: null, doc: null, bin: null },
      { id: 4, big: 0, num: 0, dec: '0.00', dec_any: '0', flag: true, day: '2024-01-01', ts: '2024-01-01T00:00:00', tz: '2024-01-01T00:00:00Z', txt: '\\.', doc: [], bin: new Uint8Array([1]) },
    ];
    const table = `${ns}.all_types`;
    const { plan, result } = await load({ table }, schema, batchesOf(schema, rows, 3));
    expect(result).toEqual({ rows_written: 4, target: table });
    expect(plan.type_map).toEqual({
      id: 'bigint', big: 'bigint', num: 'double precision', dec: 'numeric(20,2)', dec_any: 'numeric', flag: 'boolean',
      day: 'date', ts: 'timestamp', tz: 'timestamptz', txt: 'text', doc: 'jsonb', bin: 'bytea',
    });
    const back = await collectBatches(source.read({ query: `SELECT * FROM "${ns}".all_types ORDER BY id` }, pgContext(url)));
    const expected = rows.map((r) => ({ ...r }));
    expected[1]!.tz = '1999-12-31T23:59:59.5Z';
    expect(back.rows).toEqual(expected);
  });
});

describe('postgres sink: append', () => {
  it('is one transaction: a source that throws after N rows leaves the table unchanged', async () => {
    const table = `${ns}.append_tx`;
    await load({ table }, people, batchesOf(people, rowsOf(1, 3)));
    await expect(load({ table }, people, failingAfter(people, rowsOf(10, 2509), 1000))).rejects.toThrow(/source failed mid-stream/);
    expect(await count(`"${ns}".append_tx`)).toBe(3);
    // a table created by the failed run is rolled back too
    await expect(load({ table: `${ns}.never` }, people, failingAfter(people, rowsOf(1, 10), 5))).rejects.toThrow();
    expect(await query(`SELECT to_regclass('"${ns}".never') AS t`)).toEqual([{ t: null }]);
  });

  it('rolls back on abort and on bad data, naming the row', async () => {
    const table = `${ns}.append_abort`;
    await load({ table }, people, batchesOf(people, rowsOf(1, 2)));
    const ctx = pgContext(url);
    async function* aborting() {
      yield { schema: people, rows: rowsOf(100, 199) };
      ctx.controller.abort();
      yield { schema: people, rows: rowsOf(200, 299) };
    }
    await expect(load({ table }, people, aborting(), ctx)).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    const bad = [...rowsOf(300, 304), { id: 'not a number', name: 'x' }];
    const err = await load({ table }, people, batchesOf(people, bad)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_PG_22P02', where: { row: 6 } });
    expect(await count(`"${ns}".append_abort`)).toBe(2);
  });

  it('commit_every commits chunks: a failure keeps the earlier chunks', async () => {
    const table = `${ns}.chunks`;
    await expect(load({ table, commit_every: 1000 }, people, failingAfter(people, rowsOf(1, 2500), 700))).rejects.toThrow();
    expect(await count(`"${ns}".chunks`)).toBe(2000);
  });

  it('quotes a hostile table name: it acts on exactly that literal name', async () => {
    await query(`CREATE TABLE "${ns}".y (id int)`);
    const hostile = `x"; drop table "${ns}".y; --`;
    const { plan } = await load({ table: `${ns}.${hostile}` }, people, batchesOf(people, rowsOf(1, 2)));
    expect(plan.statements).toContain(`COPY "${ns}"."x""; drop table ""${ns}"".y; --" ("id", "name") FROM STDIN WITH (FORMAT csv)`);
    expect(await query(`SELECT to_regclass('"${ns}".y') IS NOT NULL AS y_exists`)).toEqual([{ y_exists: true }]);
    expect(await count(`"${ns}"."x""; drop table ""${ns}"".y; --"`)).toBe(2);
  });
});

describe('postgres sink: upsert and overwrite', () => {
  it('upsert twice leaves one copy and updates changed rows; duplicate keys: last wins', async () => {
    const table = `${ns}.up`;
    const { plan } = await load({ table, mode: 'upsert', key: ['id'] }, people, batchesOf(people, rowsOf(1, 5)));
    expect(plan.statements?.[1]).toBe(`CREATE TABLE IF NOT EXISTS "${ns}"."up" ("id" bigint, "name" text, PRIMARY KEY ("id"))`);
    const second = [...rowsOf(4, 8, 'v2'), { id: 8, name: 'last wins' }];
    const run = await load({ table, mode: 'upsert', key: ['id'] }, people, batchesOf(people, second, 2));
    expect(run.plan.statements).toEqual([
      'BEGIN',
      `CREATE TEMP TABLE "_etl_stage" ON COMMIT DROP AS SELECT "id", "name", 0::bigint AS "_etl_seq" FROM "${ns}"."up" WITH NO DATA`,
      'COPY "_etl_stage" ("id", "name", "_etl_seq") FROM STDIN WITH (FORMAT csv)',
      'SAVEPOINT etl_cli_merge',
      `INSERT INTO "${ns}"."up" AS "_etl_target" ("id", "name") SELECT "id", "name" FROM "_etl_stage" ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name" WHERE ("_etl_target"."name") IS DISTINCT FROM (EXCLUDED."name")`,
      '-- only if a key repeats within the input (SQLSTATE 21000): ROLLBACK TO SAVEPOINT etl_cli_merge, then',
      `INSERT INTO "${ns}"."up" AS "_etl_target" ("id", "name") SELECT "id", "name" FROM (SELECT DISTINCT ON ("id") * FROM "_etl_stage" ORDER BY "id", "_etl_seq" DESC) AS s ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name" WHERE ("_etl_target"."name") IS DISTINCT FROM (EXCLUDED."name")`,
      'COMMIT',
    ]);
    const rows = await query(`SELECT id::int, name FROM "${ns}".up ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, name: 'v1-1' }, { id: 2, name: 'v1-2' }, { id: 3, name: 'v1-3' },
      { id: 4, name: 'v2-4' }, { id: 5, name: 'v2-5' }, { id: 6, name: 'v2-6' }, { id: 7, name: 'v2-7' }, { id: 8, name: 'last wins' },
    ]);
    // no key repeats within this input: the unsorted merge alone does it
    await load({ table, mode: 'upsert', key: ['id'] }, people, batchesOf(people, [{ id: 2, name: 'v3-2' }, { id: 9, name: 'v3-9' }]));
    expect(await query(`SELECT id::int, name FROM "${ns}".up WHERE id IN (2, 9) ORDER BY id`)).toEqual([{ id: 2, name: 'v3-2' }, { id: 9, name: 'v3-9' }]);
  });

  it('upsert leaves unchanged rows untouched (json columns compared as text) and updates changed ones', async () => {
    const table = `${ns}.up_same`;
    const docs: RecordSchema = { columns: [{ name: 'id', type: 'integer' }, { name: 'doc', type: 'json' }, { name: 'name', type: 'string' }] };
    await query(`CREATE TABLE "${ns}".up_same (id bigint PRIMARY KEY, doc json, name text)`);
    const input: Row[] = [{ id: 1, doc: { a: 1 }, name: 'x' }, { id: 2, doc: null, name: 'y' }, { id: 3, doc: [1], name: null }];
    await load({ table, mode: 'upsert', key: ['id'] }, docs, batchesOf(docs, input));
    const versions = async () => (await query(`SELECT id::int, xmin::text AS v FROM "${ns}".up_same ORDER BY id`)).map((r) => r.v as string);
    const before = await versions();
    await load({ table, mode: 'upsert', key: ['id'] }, docs, batchesOf(docs, [...input.slice(0, 2), { id: 3, doc: [1], name: 'changed' }]));
    const after = await versions();
    expect(after.slice(0, 2), 'unchanged rows keep their row version').toEqual(before.slice(0, 2));
    expect(after[2]).not.toBe(before[2]);
    expect(await query(`SELECT name FROM "${ns}".up_same WHERE id = 3`)).toEqual([{ name: 'changed' }]);
  });

  it('upsert with commit_every merges each chunk; reruns stay idempotent', async () => {
    const table = `${ns}.up_chunks`;
    const input = [...rowsOf(1, 5), { id: 2, name: 'again' }, { id: 6, name: 'six' }];
    await load({ table, mode: 'upsert', key: ['id'], commit_every: 2 }, people, batchesOf(people, input, 3));
    await load({ table, mode: 'upsert', key: ['id'], commit_every: 2 }, people, batchesOf(people, input, 3));
    expect(await query(`SELECT id::int, name FROM "${ns}".up_chunks ORDER BY id`)).toEqual([
      { id: 1, name: 'v1-1' }, { id: 2, name: 'again' }, { id: 3, name: 'v1-3' }, { id: 4, name: 'v1-4' }, { id: 5, name: 'v1-5' }, { id: 6, name: 'six' },
    ]);
  });

  it('check() reports a missing table and a missing unique key', async () => {
    const check = (options: Record<string, unknown>) => sink.check!(options, {
      signal: new AbortController().signal, connection: { url }, path: '/load', pipeline: pgContext(url).pipeline,
      issue: (path, code, message, hint) => ({ severity: 'error', path, code, message, ...(hint ? { hint } : {}) }),
    });
    await query(`CREATE TABLE IF NOT EXISTS "${ns}".checked (id int, name text)`);
    expect(await check({ table: `${ns}.checked` })).toEqual([]);
    expect(await check({ table: `${ns}.absent` })).toEqual([]);
    expect((await check({ table: `${ns}.absent`, create_table: false }))[0]).toMatchObject({ code: 'E_PG_NO_TABLE', path: '/load/table' });
    expect((await check({ table: `${ns}.checked`, mode: 'upsert', key: ['id'] }))[0]).toMatchObject({ code: 'E_PG_NO_UNIQUE_KEY', path: '/load/key' });
  });

  it('upsert on a table without a unique key fails clearly before writing', async () => {
    await query(`CREATE TABLE "${ns}".nokey (id bigint, name text)`);
    const err = await load({ table: `${ns}.nokey`, mode: 'upsert', key: ['id'] }, people, batchesOf(people, rowsOf(1, 3))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_PG_NO_UNIQUE_KEY', message: expect.stringContaining('unique constraint on (id)'), hint: expect.stringContaining('ADD PRIMARY KEY ("id")') });
    expect(await count(`"${ns}".nokey`)).toBe(0);
  });

  it('overwrite replaces atomically: a failed run keeps the old contents', async () => {
    const table = `${ns}.over`;
    await load({ table }, people, batchesOf(people, rowsOf(1, 3)));
    await expect(load({ table, mode: 'overwrite' }, people, failingAfter(people, rowsOf(10, 20), 5))).rejects.toThrow();
    expect(await count(`"${ns}".over`)).toBe(3);
    const { plan } = await load({ table, mode: 'overwrite' }, people, batchesOf(people, rowsOf(50, 51)));
    expect(plan.statements).toEqual(['BEGIN', `TRUNCATE "${ns}"."over"`, `COPY "${ns}"."over" ("id", "name") FROM STDIN WITH (FORMAT csv)`, 'COMMIT']);
    expect(await query(`SELECT id::int FROM "${ns}".over ORDER BY id`)).toEqual([{ id: 50 }, { id: 51 }]);
    await load({ table, mode: 'overwrite' }, people, batchesOf(people, []));
    expect(await count(`"${ns}".over`)).toBe(0);
  });
});

describe('postgres sink: create_table and on_schema_change', () => {
  const wide: RecordSchema = { columns: [...people.columns, { name: 'extra', type: 'decimal', precision: 8, scale: 3 }] };
  const wideRows = [{ id: 9, name: 'n', extra: '1.500' }];

  it('create_table: false fails on a missing table; the schema is created when missing', async () => {
    await expect(load({ table: `${ns}.missing`, create_table: false }, people, batchesOf(people, []))).rejects.toMatchObject({ code: 'E_PG_NO_TABLE' });
    const other = uniqueName('newschema');
    const { plan } = await load({ table: `${other}.t` }, people, batchesOf(people, rowsOf(1, 1)));
    expect(plan.statements?.[1]).toBe(`CREATE SCHEMA IF NOT EXISTS "${other}"`);
    expect(await count(`"${other}".t`)).toBe(1);
    await query(`DROP SCHEMA "${other}" CASCADE`);
  });

  it('fail (default), add_columns and ignore', async () => {
    const table = `${ns}.evolve`;
    await load({ table }, people, batchesOf(people, rowsOf(1, 1)));
    await expect(load({ table }, wide, batchesOf(wide, wideRows))).rejects.toMatchObject({ code: 'E_PG_SCHEMA_CHANGE', message: expect.stringContaining('extra') });
    const ignored = await load({ table, on_schema_change: 'ignore' }, wide, batchesOf(wide, wideRows));
    expect(Object.keys(ignored.plan.type_map ?? {})).toEqual(['id', 'name']);
    const added = await load({ table, on_schema_change: 'add_columns' }, wide, batchesOf(wide, [{ id: 10, name: 'm', extra: '2.250' }]));
    expect(added.plan.statements).toContain(`ALTER TABLE "${ns}"."evolve" ADD COLUMN "extra" numeric(8,3)`);
    expect(await query(`SELECT id::int, extra::text FROM "${ns}".evolve ORDER BY id`)).toEqual([
      { id: 1, extra: null }, { id: 9, extra: null }, { id: 10, extra: '2.250' },
    ]);
  });
});
