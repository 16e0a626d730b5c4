import { describe, expect, it } from 'vitest';
import { DataQualityError, RunError } from '../../core/errors.js';
import type { RecordBatch, Row } from '../../core/records/types.js';
import { createTestContext } from '../../testing/context.js';
import type { TransformContext } from '../define.js';
import { batchOf } from '../shared/run.js';
import { lookup } from './index.js';

const customers = (rows: Row[] = [
  { id: 1, name: 'Ada', country: 'UK' },
  { id: 2, name: 'Linus', country: 'FI' },
]): RecordBatch => ({ ...batchOf({ id: 'integer', name: 'string', country: 'string' }, rows), origin: rows.map((_, i) => ({ file: 'customers.csv', line: i + 2 })) });

const orders = (rows: Row[], columns: Record<string, 'integer' | 'string' | 'decimal'> = { order_id: 'integer', customer_id: 'integer' }): RecordBatch => batchOf(columns, rows);

const base = { from: { type: 'csv', path: 'data/customers.csv' }, on: { customer_id: 'id' }, on_missing: 'keep', on_duplicate: 'fail', max_rows: 1_000_000 };

/** Runs lookup with `from` served by an in-memory reader; counts how often it is read. */
async function run(options: Record<string, unknown>, input: RecordBatch[], table: RecordBatch[] = [customers()]) {
  const test = createTestContext({ stage: 'transform[0] lookup' });
  let reads = 0;
  const ctx: TransformContext = {
    ...test,
    sources: { from: { type: 'csv', async *read() { reads++; yield* table; } } },
  };
  const transform = (await lookup.load()).create({ ...base, ...options }, ctx);
  async function* source(): AsyncIterable<RecordBatch> {
    yield* input;
  }
  const batches: RecordBatch[] = [];
  try {
    for await (const b of transform(source())) batches.push(b);
  } finally {
    test.cleanup();
  }
  return { batches, rows: batches.flatMap((b) => b.rows), rejects: test.rejects, events: test.emitted, reads };
}

describe('lookup', () => {
  it('adds every non-key lookup column with its type, keeping origins', async () => {
    const r = await run({}, [orders([{ order_id: 10, customer_id: 2 }, { order_id: 11, customer_id: 1 }])]);
    expect(r.rows).toEqual([
      { order_id: 10, customer_id: 2, name: 'Linus', country: 'FI' },
      { order_id: 11, customer_id: 1, name: 'Ada', country: 'UK' },
    ]);
    expect(r.batches[0]!.schema.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['order_id:integer', 'customer_id:integer', 'name:string', 'country:string']);
    expect(r.batches[0]!.origin).toEqual([{ file: 'data.csv', line: 2 }, { file: 'data.csv', line: 3 }]);
  });

  it('renames with the map form and reads the lookup once, lazily, on the first batch', async () => {
    const input = [orders([{ order_id: 1, customer_id: 1 }]), orders([{ order_id: 2, customer_id: 2 }])];
    const r = await run({ fields: { customer_name: 'name' } }, input);
    expect(r.rows).toEqual([{ order_id: 1, customer_id: 1, customer_name: 'Ada' }, { order_id: 2, customer_id: 2, customer_name: 'Linus' }]);
    expect(r.reads).toBe(1);
    expect((await run({}, [])).reads).toBe(0);
  });

  it('matches keys by text: integer, bigint, decimal and string 42 are one key', async () => {
    const table = [batchOf({ code: 'decimal', label: 'string' }, [{ code: '42', label: 'answer' }, { code: '7', label: 'seven' }])];
    const input = [
      orders([{ k: 42 }], { k: 'integer' }),
      orders([{ k: 42n }], { k: 'integer' }),
      orders([{ k: '42' }], { k: 'string' }),
      orders([{ k: '42.0' }], { k: 'decimal' }),
    ];
    const r = await run({ on: { k: 'code' } }, input, table);
    expect(r.rows.map((x) => x['label'])).toEqual(['answer', 'answer', 'answer', null]);
  });

  it('joins on several columns; a null key never matches', async () => {
    const table = [batchOf({ a: 'string', b: 'integer', v: 'string' }, [{ a: 'x', b: 1, v: 'x1' }, { a: 'x', b: 2, v: 'x2' }, { a: null, b: 1, v: 'null-key' }])];
    const input = [orders([{ a: 'x', b: 2 }, { a: 'x', b: 1 }, { a: null, b: 1 }, { a: 'y', b: 1 }], { a: 'string', b: 'integer' })];
    const r = await run({ on: ['a', 'b'] }, input, table);
    expect(r.rows.map((x) => x['v'])).toEqual(['x2', 'x1', null, null]);
  });

  it('on_missing: reject sends the row to the dead letter with the key in the reason', async () => {
    const r = await run({ on_missing: 'reject' }, [orders([{ order_id: 1, customer_id: 42 }, { order_id: 2, customer_id: 1 }, { order_id: 3, customer_id: null }])]);
    expect(r.rows.map((x) => x['order_id'])).toEqual([2]);
    expect(r.rejects.map((x) => [x.reason, x.rule, x.column, x.position?.line])).toEqual([
      ['no customers.csv row for customer_id=42', 'lookup', 'customer_id', 2],
      ['no customers.csv row for customer_id=null', 'lookup', 'customer_id', 4],
    ]);
    const byQuery = await run({ on_missing: 'reject', from: { type: 'postgres', connection: 'db', query: 'SELECT * FROM c' } }, [orders([{ order_id: 1, customer_id: 9 }])]);
    expect(byQuery.rejects[0]!.reason).toBe('no lookup row for customer_id=9');
  });

  it('on_missing: drop counts, fail stops with exit 3 naming the row', async () => {
    const input = [orders([{ order_id: 1, customer_id: 42 }, { order_id: 2, customer_id: 1 }])];
    const dropped = await run({ on_missing: 'drop' }, input);
    expect(dropped.rows).toHaveLength(1);
    expect(dropped.rejects).toEqual([]);
    expect(dropped.events).toContainEqual(expect.objectContaining({ type: 'info', message: 'lookup dropped 1 row with no customers.csv row' }));
    const err = await run({ on_missing: 'fail' }, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataQualityError);
    expect((err as DataQualityError).exitCode).toBe(3);
    expect((err as Error).message).toBe('transform[0] lookup: no customers.csv row for customer_id=42 (data.csv:2)');
  });

  it('on_duplicate: fail names the key and both positions; first and last keep one', async () => {
    const table = [customers([{ id: 1, name: 'Ada', country: 'UK' }, { id: 2, name: 'Linus', country: 'FI' }, { id: 1, name: 'Ada L.', country: 'UK' }])];
    const input = [orders([{ order_id: 1, customer_id: 1 }])];
    const err = await run({}, input, table).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataQualityError);
    expect((err as Error).message).toBe('transform[0] lookup: the lookup source customers.csv has two rows with id=1 (customers.csv:2 and customers.csv:4)');
    expect((await run({ on_duplicate: 'first' }, input, table)).rows[0]!['name']).toBe('Ada');
    const last = await run({ on_duplicate: 'last' }, input, table);
    expect(last.rows[0]!['name']).toBe('Ada L.');
    expect(last.events).toContainEqual(expect.objectContaining({ message: 'lookup loaded 3 rows from customers.csv: 2 keys, 1 duplicate key (kept the last)' }));
  });

  it('max_rows guards memory with a clear error', async () => {
    const err = await run({ max_rows: 1 }, [orders([{ order_id: 1, customer_id: 1 }])]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).code).toBe('E_LOOKUP_TOO_LARGE');
    expect((err as Error).message).toMatch(/has more than 1 rows \(max_rows\); a lookup table is held in memory/);
  });

  it('never overwrites a column the rows already have: it says how to rename', async () => {
    const input = [orders([{ order_id: 1, customer_id: 1, name: 'x' }], { order_id: 'integer', customer_id: 'integer', name: 'string' })];
    const err = await run({}, input).catch((e: unknown) => e);
    expect((err as RunError).code).toBe('E_LOOKUP_COLUMN_EXISTS');
    expect((err as RunError).hint).toBe('rename the added column with the map form: fields: { name_lookup: name }');
  });

  it('names unknown columns on either side with a suggestion', async () => {
    const input = [orders([{ order_id: 1, customer_id: 1 }])];
    const bad = await run({ fields: ['nme'] }, input).catch((e: unknown) => e);
    expect((bad as Error).message).toBe('transform[0] lookup: unknown column `nme` in `fields` (a column of customers.csv)');
    expect((bad as RunError).hint).toBe('did you mean `name`?');
    const row = await run({ on: { customer: 'id' } }, input).catch((e: unknown) => e);
    expect((row as Error).message).toBe('transform[0] lookup: unknown column `customer` in `on`');
  });

  it('an empty lookup keeps rows with null fields; the listed fields are still added', async () => {
    const r = await run({ fields: ['name'] }, [orders([{ order_id: 1, customer_id: 1 }])], []);
    expect(r.rows).toEqual([{ order_id: 1, customer_id: 1, name: null }]);
  });

  it('describes what it loads for dry-run', () => {
    expect(lookup.describe!({ ...base })).toBe('lookup loads data/customers.csv (csv) into memory, key customer_id=id');
    expect(lookup.describe!({ ...base, from: { type: 'postgres', connection: 'wh', table: 'crm.customers' }, on: ['id', 'region'] }))
      .toBe('lookup loads table crm.customers (postgres, connection wh) into memory, key id, region');
  });
});
