import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordSchema, Row } from '../../core/records/types.js';
import { createTestContext, type TestContext } from '../../testing/context.js';
import { exec, readRows, sql, writeRows } from './test-helpers.js';

const schema: RecordSchema = {
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'big', type: 'integer' },
    { name: 'ratio', type: 'number' },
    { name: 'amount', type: 'decimal', precision: 20, scale: 2 },
    { name: 'name', type: 'string' },
    { name: 'active', type: 'boolean' },
    { name: 'day', type: 'date' },
    { name: 'at', type: 'timestamp' },
    { name: 'doc', type: 'json' },
    { name: 'bytes', type: 'binary' },
  ],
};

const rows: Row[] = [
  {
    id: 1,
    big: 9007199254740993n,
    ratio: 0.1,
    amount: '123456789012345678.91',
    name: 'Zoë 😀 "quoted" \'single\'',
    active: true,
    day: '2024-02-29',
    at: '2024-05-06T07:08:09.123456Z',
    doc: { a: [1, 'x', null], b: { c: true } },
    bytes: new Uint8Array([0, 1, 254, 255]),
  },
  {
    id: 2,
    big: -9223372036854775808n,
    ratio: -1.5e300,
    amount: '-0.01',
    name: '',
    active: false,
    day: '1970-01-01',
    at: '1999-12-31T23:59:59.000001',
    doc: 'just a string',
    bytes: new Uint8Array([]),
  },
  { id: 3, big: null, ratio: null, amount: null, name: null, active: null, day: null, at: null, doc: null, bytes: null },
];

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

describe('sqlite type round trip', () => {
  it('writes and reads back every canonical type exactly, NULLs included', async () => {
    ctx = createTestContext({ batch_size: 2 });
    const result = await writeRows({ path: 'rt.db', table: 'all_types' }, schema, [rows.slice(0, 2), rows.slice(2)], ctx);
    expect(result.rows_written).toBe(3);
    const { rows: back, batches } = await readRows({ path: 'rt.db', table: 'all_types' }, ctx);
    expect(back).toEqual(rows);
    expect(batches.map((b) => b.rows.length)).toEqual([2, 1]);
    expect(batches[0]!.schema.columns.map((c) => c.type)).toEqual(schema.columns.map((c) => c.type));
    expect(batches[0]!.schema.columns[3]).toMatchObject({ precision: 20, scale: 2 });
    expect(back[0]!.bytes).toBeInstanceOf(Uint8Array);
    expect(ctx.rejects).toEqual([]);
  });

  it('stores decimals as exact TEXT and booleans as 0/1 INTEGER', async () => {
    ctx = createTestContext();
    await writeRows({ path: 'st.db', table: 't' }, schema, [rows], ctx);
    const stored = await sql(join(ctx.dir, 'st.db'), 'SELECT typeof(amount) AS ta, amount, typeof(active) AS tb, active, typeof(big) AS tg FROM t WHERE id = 1');
    expect(stored).toEqual([{ ta: 'text', amount: '123456789012345678.91', tb: 'integer', active: 1n, tg: 'integer' }]);
    const ddl = await sql(join(ctx.dir, 'st.db'), "SELECT sql FROM sqlite_master WHERE name = 't'");
    expect(ddl[0]!.sql).toContain('"amount" DECIMAL_TEXT(20,2)');
  });

  it('maps declared types of tables it did not create', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'x.db');
    await exec(file, `CREATE TABLE legacy (n INT, price NUMERIC(10,2), ok BOOL, created DATETIME, meta JSON, raw BLOB, label VARCHAR(20));
      INSERT INTO legacy VALUES (7, 12.5, 1, '2024-01-02 03:04:05', '{"k":1}', x'0102', 'hi');`);
    const { rows: back, batches } = await readRows({ path: 'x.db', table: 'legacy' }, ctx);
    expect(back).toEqual([{ n: 7, price: '12.50', ok: true, created: '2024-01-02T03:04:05', meta: { k: 1 }, raw: new Uint8Array([1, 2]), label: 'hi' }]);
    expect(batches[0]!.schema.columns.map((c) => c.type)).toEqual(['integer', 'decimal', 'boolean', 'timestamp', 'json', 'binary', 'string']);
  });

  it('infers types of query expressions from the values', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'q.db');
    await exec(file, 'CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, \'x\'), (2, \'y\');');
    const { rows: back, batches } = await readRows(
      { path: 'q.db', query: 'SELECT a, a * 1.5 AS f, a + 9007199254740991 AS huge, upper(b) AS u, x\'ff\' AS raw, NULL AS empty FROM t WHERE a >= ? ORDER BY a;', params: [1] },
      ctx,
    );
    expect(batches[0]!.schema.columns.map((c) => [c.name, c.type])).toEqual([
      ['a', 'integer'], ['f', 'number'], ['huge', 'integer'], ['u', 'string'], ['raw', 'binary'], ['empty', 'string'],
    ]);
    expect(back[1]).toEqual({ a: 2, f: 3, huge: 9007199254740993n, u: 'Y', raw: new Uint8Array([255]), empty: null });
  });

  it('rejects a stored value that does not fit its declared type, with its row number', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'bad.db');
    await exec(file, "CREATE TABLE t (id INTEGER, n INTEGER); INSERT INTO t VALUES (1, 5), (2, 'five'), (3, 6);");
    const { rows: back } = await readRows({ path: 'bad.db', table: 't' }, ctx);
    expect(back).toEqual([{ id: 1, n: 5 }, { id: 3, n: 6 }]);
    expect(ctx.rejects).toHaveLength(1);
    expect(ctx.rejects[0]).toMatchObject({ column: 'n', position: { row: 2 } });
    expect(ctx.rejects[0]!.reason).toContain('"five" is not an integer');
  });
});
