import { beforeAll, describe, expect, it } from 'vitest';
import type { SinkRuntime, SourceRuntime } from '../../src/connectors/define.js';
import { InterruptedError } from '../../src/core/errors.js';
import type { RecordBatch, RecordSchema, Row } from '../../src/core/records/types.js';
import { collectBatches } from '../../src/testing/context.js';
import { batchesOf, failingAfter, load, myContext, runtimes, sql, uniqueName } from './helpers.js';

let sink: SinkRuntime;
let source: SourceRuntime;
const people: RecordSchema = { columns: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }] };
const rowsOf = (from: number, to: number, tag = 'v1'): Row[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i, name: `${tag}-${from + i}` }));
const count = async (table: string): Promise<number> => Number((await sql(`SELECT COUNT(*) AS n FROM \`${table}\``))[0]!.n);

beforeAll(async () => {
  ({ sink, source } = await runtimes());
});

describe('mysql sink: types', () => {
  it('round-trips every canonical type, NULLs and empty strings through create_table', async () => {
    const schema: RecordSchema = {
      columns: [
        { name: 'id', type: 'integer' }, { name: 'big', type: 'integer' }, { name: 'num', type: 'number' },
        { name: 'dec', type: 'decimal', precision: 20, scale: 2 }, { name: 'flag', type: 'boolean' },
        { name: 'day', type: 'date' }, { name: 'ts', type: 'timestamp' }, { name: 'tz', type: 'timestamp', with_zone: true },
        { name: 'txt', type: 'string' }, { name: 'doc', type: 'json' }, { name: 'bin', type: 'binary' },
      ],
    };
    const rows: Row[] = [
      {
        id: 1, big: 9007199254740993n, num: -0.125, dec: '123456789012345678.12', flag: true, day: '2024-02-29',
        ts: '2024-01-02T03:04:05.123456', tz: '2024-01-02T05:04:05.000001+02:00',
        txt: "a,b 'c' \"d\"\n\\e\tf ✓ 😀 `x`", doc: { a: [1, 'x', null], s: 'q"uote\'' }, bin: new Uint8Array([0, 92, 255, 10, 39, 34]),
      },
      { id: 2, big: -5, num: 1e300, dec: '-0.01', flag: false, day: '1970-01-01', ts: '2000-01-01T00:00:00', tz: '1999-12-31T23:59:59.5Z', txt: '', doc: 'just a string', bin: new Uint8Array([]) },
      { id: 3, big: null, num: null, dec: null, flag: null, day: null, ts: null, tz: null, txt: null, doc: null, bin: null },
    ];
    const table = uniqueName('all_types');
    const { plan, result } = await load(sink, { table }, schema, batchesOf(schema, rows, 2));
    expect(result.rows_written).toBe(3);
    expect(plan.type_map).toMatchObject({ big: 'BIGINT', dec: 'DECIMAL(20,2)', ts: 'DATETIME(6)', doc: 'JSON', bin: 'LONGBLOB', txt: 'LONGTEXT' });
    const { rows: back } = await collectBatches(source.read({ query: `SELECT * FROM \`${table}\` ORDER BY id` }, myContext()));
    expect(back[0]).toEqual({
      id: 1, big: 9007199254740993n, num: -0.125, dec: '123456789012345678.12', flag: true, day: '2024-02-29',
      ts: '2024-01-02T03:04:05.123456', tz: '2024-01-02T03:04:05.000001', txt: rows[0]!.txt,
      doc: { a: [1, 'x', null], s: 'q"uote\'' }, bin: new Uint8Array([0, 92, 255, 10, 39, 34]),
    });
    expect(back[1]).toMatchObject({ big: -5, num: 1e300, dec: '-0.01', flag: false, ts: '2000-01-01T00:00:00.000000', tz: '1999-12-31T23:59:59.500000', txt: '', doc: 'just a string' });
    expect(back[1]!.bin).toEqual(new Uint8Array([]));
    expect(back[2]).toEqual({ id: 3, big: null, num: null, dec: null, flag: null, day: null, ts: null, tz: null, txt: null, doc: null, bin: null });
  });

  it('reads native MySQL types with their canonical schema (TIMESTAMP is UTC, DECIMAL exact)', async () => {
    const table = uniqueName('native');
    await sql(`CREATE TABLE \`${table}\` (i INT NOT NULL, b TINYINT(1), t TINYINT, u BIGINT UNSIGNED, d DECIMAL(30,10), f FLOAT, ts TIMESTAMP(3) NULL, dt DATETIME, vb VARBINARY(10), e ENUM('x','y'), y YEAR)`);
    await sql(`INSERT INTO \`${table}\` VALUES (1, 1, -7, 18446744073709551615, 12345678901234567890.0123456789, 1.5, '2024-03-04 05:06:07.890', '2024-03-04 05:06:07', X'00FF', 'y', 2024)`);
    const { rows, batches } = await collectBatches(source.read({ table }, myContext()));
    expect(rows[0]).toEqual({ i: 1, b: true, t: -7, u: 18446744073709551615n, d: '12345678901234567890.0123456789', f: 1.5, ts: '2024-03-04T05:06:07.890Z', dt: '2024-03-04T05:06:07', vb: new Uint8Array([0, 255]), e: 'y', y: 2024 });
    const cols = Object.fromEntries(batches[0]!.schema.columns.map((c) => [c.name, c]));
    expect(cols.i).toMatchObject({ type: 'integer', nullable: false });
    expect(cols.d).toMatchObject({ type: 'decimal', precision: 30, scale: 10 });
    expect(cols.ts).toMatchObject({ type: 'timestamp', with_zone: true });
    expect(cols.dt).toMatchObject({ type: 'timestamp', with_zone: false });
    expect(cols.b!.type).toBe('boolean');
    expect(cols.vb!.type).toBe('binary');
  });
});

describe('mysql sink: modes', () => {
  it('append is transactional: a failure mid-way leaves the table as it was', async () => {
    const table = uniqueName('append_tx');
    await load(sink, { table }, people, batchesOf(people, rowsOf(1, 10)));
    const ctx = myContext();
    const plan = await sink.plan({ table }, people, ctx);
    await expect(sink.apply(plan, failingAfter(people, rowsOf(11, 3000), 1000), ctx)).rejects.toThrow(/source failed/);
    expect(await count(table)).toBe(10);
  });

  it('upsert twice keeps one copy per key and updates changed rows; duplicate keys in one run: last wins', async () => {
    const table = uniqueName('upsert');
    await load(sink, { table, mode: 'upsert', key: ['id'] }, people, batchesOf(people, rowsOf(1, 100)));
    const { result } = await load(sink, { table, mode: 'upsert', key: ['id'] }, people, batchesOf(people, [...rowsOf(50, 150, 'v2'), { id: 7, name: 'first' }, { id: 7, name: 'last' }], 40));
    expect(result.rows_written).toBe(103);
    expect(await count(table)).toBe(150);
    const got = await sql(`SELECT id, name FROM \`${table}\` WHERE id IN (7, 49, 50, 150) ORDER BY id`);
    expect(got.map((r) => [r.id, r.name])).toEqual([[7, 'last'], [49, 'v1-49'], [50, 'v2-50'], [150, 'v2-150']]);
  });

  it('upsert refuses a table without a unique key on `key` (never silently appends)', async () => {
    const table = uniqueName('nokey');
    await sql(`CREATE TABLE \`${table}\` (id BIGINT, name TEXT) ENGINE=InnoDB`);
    await expect(sink.plan({ table, mode: 'upsert', key: ['id'] }, people, myContext())).rejects.toMatchObject({ code: 'E_MYSQL_NO_UNIQUE_KEY' });
  });

  it('overwrite is atomic: a failed run keeps the old rows, a good one replaces them', async () => {
    const table = uniqueName('overwrite');
    await load(sink, { table }, people, batchesOf(people, rowsOf(1, 20)));
    const ctx = myContext();
    const plan = await sink.plan({ table, mode: 'overwrite' }, people, ctx);
    expect(plan.statements).toContain(`DELETE FROM \`${table}\``);
    await expect(sink.apply(plan, failingAfter(people, rowsOf(100, 1500), 500), ctx)).rejects.toThrow(/source failed/);
    expect(await count(table)).toBe(20);
    await load(sink, { table, mode: 'overwrite' }, people, batchesOf(people, rowsOf(100, 104)));
    expect((await sql(`SELECT MIN(id) AS lo, COUNT(*) AS n FROM \`${table}\``))[0]).toMatchObject({ lo: 100, n: 5 });
  });

  it('rejects rows the server refuses, with the reason, and writes the rest', async () => {
    const table = uniqueName('refused');
    await sql(`CREATE TABLE \`${table}\` (id BIGINT PRIMARY KEY, name VARCHAR(5) NOT NULL) ENGINE=InnoDB`);
    const rows: Row[] = [{ id: 1, name: 'ok' }, { id: 2, name: 'far too long' }, { id: 3, name: null }, { id: 1, name: 'dup' }, { id: 4, name: 'fine' }];
    const { result, ctx } = await load(sink, { table }, people, batchesOf(people, rows));
    expect(result.rows_written).toBe(2);
    expect(ctx.rejects.map((r) => [(r.record as Row).id, r.column])).toEqual([[2, 'name'], [3, 'name'], [1, undefined]]);
    expect(ctx.rejects[0]!.reason).toMatch(/Data too long for column 'name'/);
    expect(ctx.rejects[2]!.reason).toMatch(/Duplicate entry/);
    expect(await count(table)).toBe(2);
  });

  it('quotes a hostile table name and adds columns when asked', async () => {
    const table = `we\`ird; DROP TABLE x; -- ${uniqueName('t')}`;
    await load(sink, { table }, people, batchesOf(people, rowsOf(1, 3)));
    const wider: RecordSchema = { columns: [...people.columns, { name: 'extra', type: 'decimal', precision: 8, scale: 3 }] };
    await expect(sink.plan({ table }, wider, myContext())).rejects.toMatchObject({ code: 'E_MYSQL_SCHEMA_CHANGE' });
    await load(sink, { table, on_schema_change: 'add_columns' }, wider, batchesOf(wider, [{ id: 9, name: 'n', extra: '1.250' }]));
    const { rows } = await collectBatches(source.read({ table, columns: ['id', 'extra'] }, myContext()));
    expect(rows).toEqual([{ id: 1, extra: null }, { id: 2, extra: null }, { id: 3, extra: null }, { id: 9, extra: '1.250' }]);
    await sql(`DROP TABLE \`${table.replace(/`/g, '``')}\``);
  });

  it('commit_every keeps committed chunks when a later one fails', async () => {
    const table = uniqueName('chunks');
    const ctx = myContext();
    const plan = await sink.plan({ table, commit_every: 100 }, people, ctx);
    await expect(sink.apply(plan, failingAfter(people, rowsOf(1, 250), 50), ctx)).rejects.toThrow(/source failed/);
    expect(await count(table)).toBe(200);
  });

  it('an abort mid-load stops with InterruptedError and leaves the table as it was', async () => {
    const table = uniqueName('abort');
    await load(sink, { table }, people, batchesOf(people, rowsOf(1, 5)));
    const ctx = myContext();
    const plan = await sink.plan({ table, mode: 'overwrite' }, people, ctx);
    async function* abortAfterTwo(): AsyncIterable<RecordBatch> {
      yield { schema: people, rows: rowsOf(100, 599) };
      yield { schema: people, rows: rowsOf(600, 1099) };
      ctx.controller.abort();
      yield { schema: people, rows: rowsOf(1100, 1599) };
    }
    await expect(sink.apply(plan, abortAfterTwo(), ctx)).rejects.toBeInstanceOf(InterruptedError);
    expect(await count(table)).toBe(5);
  });
});
