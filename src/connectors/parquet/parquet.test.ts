import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { afterEach, describe, expect, it } from 'vitest';
import { RunError } from '../../core/errors.js';
import type { Column, RecordBatch, Row } from '../../core/records/types.js';
import { collectBatches, createTestContext, type TestContext } from '../../testing/context.js';
import { parquet } from './index.js';
import { parquetSink } from './sink.js';
import { parquetSource } from './source.js';

const contexts: TestContext[] = [];
function ctx(options: Parameters<typeof createTestContext>[0] = {}): TestContext {
  const c = createTestContext(options);
  contexts.push(c);
  return c;
}
afterEach(() => {
  for (const c of contexts.splice(0)) c.cleanup();
});

async function* batchesOf(...batches: RecordBatch[]): AsyncGenerator<RecordBatch> {
  yield* batches;
}

async function write(c: TestContext, options: Record<string, unknown>, ...batches: RecordBatch[]) {
  const plan = await parquetSink.plan(options, batches[0]!.schema, c);
  return { plan, result: await parquetSink.apply(plan, batchesOf(...batches), c) };
}

const COLUMNS: Column[] = [
  { name: 'id', type: 'integer' },
  { name: 'ratio', type: 'number' },
  { name: 'amount', type: 'decimal', precision: 18, scale: 2 },
  { name: 'price', type: 'decimal' },
  { name: 'huge', type: 'decimal', precision: 38, scale: 10 },
  { name: 'ok', type: 'boolean' },
  { name: 'day', type: 'date' },
  { name: 'at', type: 'timestamp', with_zone: true },
  { name: 'local', type: 'timestamp', with_zone: false },
  { name: 'name', type: 'string' },
  { name: 'doc', type: 'json' },
  { name: 'blob', type: 'binary' },
];

const ROWS: Row[] = [
  {
    id: 9007199254740993n, ratio: 0.1, amount: '9999999999999999.99', price: '-0.0005', huge: '-1234567890123456789012345678.0123456789', ok: true, day: '2024-02-29',
    at: '2024-01-02T03:04:05.123456Z', local: '1999-12-31T23:59:59.000001', name: 'Zoë ✓ 日本', doc: { a: [1, 'x', null], b: true },
    blob: new Uint8Array([0, 255, 10]),
  },
  { id: -5, ratio: -1.5e300, amount: '-0.01', price: '123456789.1234', huge: '0.0000000001', ok: false, day: '1970-01-01', at: '2024-06-01T12:00:00.5+02:00', local: '2024-01-01T00:00:00', name: '', doc: 'text', blob: new Uint8Array() },
  { id: null, ratio: null, amount: null, price: null, huge: null, ok: null, day: null, at: null, local: null, name: null, doc: null, blob: null },
];

describe('parquet sink → source', () => {
  it('round-trips every canonical type exactly, including nulls', async () => {
    const c = ctx();
    const { plan, result } = await write(c, { path: 'out/all.parquet' }, { schema: { columns: COLUMNS }, rows: ROWS });
    expect(result).toEqual({ rows_written: 3, target: 'out/all.parquet' });
    expect(plan.type_map).toMatchObject({ id: 'INT64', amount: 'DECIMAL(18,2) as INT64', huge: 'DECIMAL(38,10) as FIXED_LEN_BYTE_ARRAY', at: 'TIMESTAMP(MICROS, UTC; NANOS when the first row group has nanoseconds)', name: 'STRING' });
    expect(plan.steps[0]).toMatch(/^write parquet \(snappy, row groups of 25000 rows\) to \.\/out\/\.all\.parquet\.tmp-/);
    const { batches, rows } = await collectBatches(parquetSource.read({ path: 'out/all.parquet' }, c));
    expect(rows[0]).toEqual({ ...ROWS[0], amount: '9999999999999999.99', price: '-0.0005' });
    expect(rows[1]).toEqual({ ...ROWS[1], price: '123456789.1234', amount: '-0.01', at: '2024-06-01T10:00:00.500000Z', local: '2024-01-01T00:00:00.000000' });
    expect(rows[2]).toEqual(ROWS[2]);
    const types = Object.fromEntries(batches[0]!.schema.columns.map((col) => [col.name, [col.type, col.precision, col.scale, col.with_zone]]));
    expect(types).toMatchObject({
      amount: ['decimal', 18, 2, undefined], price: ['decimal', 18, 4, undefined], at: ['timestamp', undefined, undefined, true], local: ['timestamp', undefined, undefined, false],
    });
  });

  it('writes 60k rows as several row groups, reads them back in order, and bounds batches', async () => {
    const c = ctx({ batch_size: 5000 });
    const batches: RecordBatch[] = [];
    for (let b = 0; b < 12; b++) {
      const rows = Array.from({ length: 5000 }, (_, i) => ({ id: b * 5000 + i, v: `row ${b * 5000 + i}` }));
      batches.push({ schema: { columns: [{ name: 'id', type: 'integer' }, { name: 'v', type: 'string' }] }, rows });
    }
    await write(c, { path: 'big.parquet', compression: 'gzip' }, ...batches);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(join(c.dir, 'big.parquet')));
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([25000, 25000, 10000]);
    expect(meta.row_groups[0]!.columns[0]!.meta_data?.codec).toBe('GZIP');
    const read = await collectBatches(parquetSource.read({ path: 'big.parquet', columns: ['v'] }, c));
    expect(read.rows).toHaveLength(60000);
    expect(read.rows[59999]).toEqual({ v: 'row 59999' });
    expect(Math.max(...read.batches.map((b) => b.rows.length))).toBe(5000);
    expect(read.batches[5]!.origin?.[0]).toMatchObject({ file: 'big.parquet', row: 25001, locator: 'row group 1' });
  });

  it('keeps nanoseconds by choosing TIMESTAMP(NANOS) when the first row group has them', async () => {
    const c = ctx();
    const schema = { columns: [{ name: 'at', type: 'timestamp' } as Column] };
    const rows: Row[] = [{ at: '2024-01-01T00:00:00.123456789Z' }, { at: '1960-05-06T07:08:09.000000001+01:00' }];
    const { plan } = await write(c, { path: 'ns.parquet' }, { schema, rows });
    expect(plan.type_map).toEqual({ at: 'TIMESTAMP(MICROS, UTC when values carry a zone; NANOS when the first row group has nanoseconds)' });
    const back = await collectBatches(parquetSource.read({ path: 'ns.parquet' }, c));
    expect(back.rows).toEqual([{ at: '2024-01-01T00:00:00.123456789Z' }, { at: '1960-05-06T06:08:09.000000001Z' }]);
    expect(back.batches[0]!.schema.columns[0]).toMatchObject({ type: 'timestamp', with_zone: true, native_type: 'INT64 TIMESTAMP(NANOS,UTC)' });
  });

  it('rejects rows that cannot be written exactly and keeps the rest', async () => {
    const c = ctx();
    const schema = { columns: [{ name: 'n', type: 'integer' }, { name: 'd', type: 'decimal', precision: 5, scale: 2 }] } as const;
    const rows: Row[] = [{ n: 1, d: '1.25' }, { n: 'abc', d: '1' }, { n: 3, d: '1.234' }, { n: 4, d: '12345.6' }, { n: 5, d: '100.10' }];
    const { result } = await write(c, { path: 'r.parquet', compression: 'brotli' }, { schema, rows, origin: rows.map((_, i) => ({ row: i + 1 })) });
    expect(result.rows_written).toBe(2);
    expect(c.rejects.map((r) => [r.column, r.position?.row])).toEqual([['n', 2], ['d', 3], ['d', 4]]);
    expect(c.rejects[1]!.reason).toBe("column d: '1.234' is not a decimal with at most 2 fractional digits");
    const back = await collectBatches(parquetSource.read({ path: 'r.parquet' }, c));
    expect(back.rows).toEqual([{ n: 1, d: '1.25' }, { n: 5, d: '100.10' }]);
  });

  it('a refused value that fails the run (the default) leaves no file, even in the last row group', async () => {
    const c = ctx();
    const failing = { ...c, reject: (input: Parameters<TestContext['reject']>[0]) => { c.reject(input); c.controller.abort(new Error('refused')); } };
    const schema = { columns: [{ name: 'n', type: 'integer' } as Column] };
    const rows: Row[] = [{ n: 1 }, { n: 'abc' }, { n: 3 }];
    const plan = await parquetSink.plan({ path: 'refused.parquet' }, schema, failing);
    await expect(parquetSink.apply(plan, batchesOf({ schema, rows }), failing)).rejects.toThrow();
    expect(c.rejects).toHaveLength(1);
    expect(existsSync(join(c.dir, 'refused.parquet'))).toBe(false);
    expect(readdirSync(c.dir)).toEqual([]);
  });

  it('leaves no file when the write fails or is aborted', async () => {
    const c = ctx();
    const schema = { columns: [{ name: 'id', type: 'integer' } as Column] };
    async function* failing(): AsyncGenerator<RecordBatch> {
      yield { schema, rows: Array.from({ length: 30000 }, (_, i) => ({ id: i })) };
      throw new Error('source failed');
    }
    const plan = await parquetSink.plan({ path: 'f.parquet', row_group_size: 10000 }, schema, c);
    await expect(parquetSink.apply(plan, failing(), c)).rejects.toThrow('source failed');
    async function* slow(): AsyncGenerator<RecordBatch> {
      yield { schema, rows: [{ id: 1 }] };
      c.controller.abort();
      yield { schema, rows: [{ id: 2 }] };
    }
    await expect(parquetSink.apply(plan, slow(), c)).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    expect(existsSync(join(c.dir, 'f.parquet'))).toBe(false);
    expect(readdirSync(c.dir)).toEqual([]);
  });

  it('writes an empty file with the planned schema, and refuses zstd on Node < 22.15', async () => {
    const c = ctx();
    const schema = { columns: [{ name: 'a', type: 'string' } as Column] };
    const plan = await parquetSink.plan({ path: 'empty.parquet', compression: 'uncompressed' }, schema, c);
    expect((await parquetSink.apply(plan, batchesOf(), c)).rows_written).toBe(0);
    const back = await collectBatches(parquetSource.read({ path: 'empty.parquet' }, c));
    expect(back.rows).toEqual([]);
    const zstd = parquetSink.plan({ path: 'z.parquet', compression: 'zstd' }, schema, c);
    if (Number(process.versions.node.split('.')[0]) < 22) await expect(zstd).rejects.toMatchObject({ code: 'E_PARQUET_CODEC' });
    else await expect(zstd).resolves.toMatchObject({ target: 'z.parquet' });
  });

  it('reports a missing file, an unknown column and stdin as one-line RunErrors', async () => {
    const c = ctx();
    await expect(collectBatches(parquetSource.read({ path: 'nope.parquet' }, c))).rejects.toMatchObject({ code: 'E_INPUT_NOT_FOUND' });
    await expect(collectBatches(parquetSource.read({ path: '-' }, c))).rejects.toMatchObject({ code: 'E_PARQUET_STDIN' });
    await write(c, { path: 'one.parquet' }, { schema: { columns: [{ name: 'a', type: 'integer' }] }, rows: [{ a: 1 }] });
    const err = await collectBatches(parquetSource.read({ path: 'one.parquet', columns: ['b'] }, c)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect(err).toMatchObject({ code: 'E_PARQUET_COLUMN', message: 'one.parquet has no column "b"' });
  });

  it('checks the file, its footer and the requested columns for validate --connections', async () => {
    const c = ctx();
    await write(c, { path: 'ok.parquet' }, { schema: { columns: [{ name: 'a', type: 'integer' }] }, rows: [{ a: 1 }] });
    const check = { signal: c.signal, pipeline: c.pipeline, path: '/extract', issue: (path: string, code: string, message: string) => ({ severity: 'error' as const, code, message, path }) };
    expect(await parquetSource.check!({ path: 'ok.parquet', columns: ['a'] }, check)).toEqual([]);
    expect(await parquetSource.check!({ path: 'ok.parquet', columns: ['zz'] }, check)).toMatchObject([{ code: 'E_PARQUET_COLUMN', path: '/extract/columns' }]);
    expect(await parquetSource.check!({ path: 'missing.parquet' }, check)).toMatchObject([{ code: 'E_INPUT_NOT_FOUND', path: '/extract/path' }]);
  });

  it('is declared with lazy load and the documented capabilities', async () => {
    expect(parquet.extensions).toEqual(['.parquet']);
    expect(parquet.source?.capabilities).toEqual({ incremental: false, knows_schema: true });
    expect(parquet.sink?.capabilities).toEqual({ modes: ['overwrite'], transactional: false, atomic_replace: true });
    const runtime = await parquet.load();
    expect(runtime.source).toBe(parquetSource);
    expect(runtime.sink).toBe(parquetSink);
  });
});
