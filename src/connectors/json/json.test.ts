import { describe, it, expect, afterEach } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestContext, collectBatches, type TestContext } from '../../testing/context.js';
import { RunError } from '../../core/errors.js';
import type { RecordBatch, RecordSchema } from '../../core/records/types.js';
import { PreciseNumber } from '../shared/json-rows.js';
import { jsonSource } from './source.js';
import { jsonSink } from './sink.js';

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

async function readJson(content: string, options: Record<string, unknown> = {}, batchSize = 2000) {
  ctx = createTestContext({ batch_size: batchSize });
  await writeFile(join(ctx.dir, 'in.json'), content);
  const { batches, rows } = await collectBatches(jsonSource.read({ path: 'in.json', ...options }, ctx));
  return { batches, rows, rejects: ctx.rejects };
}

describe('json source', () => {
  it('streams the array at records_path in batches, keeping big numbers exact', async () => {
    const doc = JSON.stringify({ meta: { n: 3 }, data: { items: [{ id: 1, v: { a: [1] } }, { id: 2, v: null }, { id: 3, v: 'x' }] } });
    const { batches, rows } = await readJson(doc.replace('"id":3', '"id":12345678901234567890123'), { records_path: 'data.items' }, 2);
    expect(batches.map((b) => b.rows.length)).toEqual([2]); // item 3 is rejected below
    expect(rows[0]).toEqual({ id: 1, v: { a: [1] } });
    expect(batches[0]!.schema.columns).toEqual([{ name: 'id', type: 'integer' }, { name: 'v', type: 'json' }]);
    expect(ctx.rejects[0]?.reason).toBe('column id: 12345678901234567890123 is not an integer');
    const big = await readJson('[{"id":9007199254740993,"d":1.0000000000000000001}]');
    expect(big.rows[0]).toEqual({ id: 9007199254740993n, d: '1.0000000000000000001' });
    expect(big.batches[0]!.schema.columns.map((c) => c.type)).toEqual(['integer', 'decimal']);
    expect(new PreciseNumber('1').text).toBe('1');
  });

  it('rejects items that are not objects, with their item number', async () => {
    const { rows, rejects } = await readJson('[{"a":1}, 2, [3], {"a":4}]');
    expect(rows).toEqual([{ a: 1 }, { a: 4 }]);
    expect(rejects.map((r) => [r.reason, r.record, r.position?.row])).toEqual([
      ['item 2 is not a JSON object', '2', 2],
      ['item 3 is not a JSON object', '[3]', 3],
    ]);
  });

  it('gives clear errors for a non-array, a missing path and malformed JSON', async () => {
    const notArray = await readJson('{"a":1}').catch((e: unknown) => e);
    expect((notArray as RunError).message).toBe('in.json: the top-level value is not an array');
    const notArrayAt = await readJson('{"data":{"items":5}}', { records_path: 'data.items' }).catch((e: unknown) => e);
    expect((notArrayAt as RunError).message).toBe('in.json: the value at records_path "data.items" is not an array');
    const missing = await readJson('{"data":{}}', { records_path: 'data.items' }).catch((e: unknown) => e);
    expect((missing as RunError).message).toBe('in.json has no value at records_path "data.items"');
    const bad = await readJson('[{"a":1},{"a":2').catch((e: unknown) => e);
    expect((bad as RunError).code).toBe('E_JSON_PARSE');
    expect((bad as RunError).message).toMatch(/^in\.json: invalid JSON within the first 15 bytes/);
  });
});

describe('json sink', () => {
  const schema: RecordSchema = { columns: [{ name: 'id', type: 'integer' }] };
  async function* batches(...ids: (number | bigint)[]): AsyncGenerator<RecordBatch> {
    if (ids.length > 0) yield { schema, rows: ids.map((id) => ({ id })) };
  }

  it('writes a JSON array, [] when empty, and appends into an existing array', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'o.json');
    await jsonSink.apply(await jsonSink.plan({ path: 'o.json' }, schema, ctx), batches(), ctx);
    expect(await readFile(file, 'utf8')).toBe('[]\n');
    await jsonSink.apply(await jsonSink.plan({ path: 'o.json', mode: 'append' }, schema, ctx), batches(1), ctx);
    expect(await readFile(file, 'utf8')).toBe('[\n{"id":1}\n]\n');
    await jsonSink.apply(await jsonSink.plan({ path: 'o.json', mode: 'append' }, schema, ctx), batches(2n ** 63n - 1n), ctx);
    expect(await readFile(file, 'utf8')).toBe('[\n{"id":1},\n{"id":9223372036854775807}\n]\n');
    await writeFile(file, '{"not":"array"}');
    const err = await jsonSink.apply(await jsonSink.plan({ path: 'o.json', mode: 'append' }, schema, ctx), batches(3), ctx).catch((e: unknown) => e);
    expect((err as RunError).code).toBe('E_JSON_APPEND');
    expect(await readFile(file, 'utf8')).toBe('{"not":"array"}');
  });

  it('refuses to append to a gzip array at plan time', async () => {
    ctx = createTestContext();
    await expect(jsonSink.plan({ path: 'o.json.gz', mode: 'append' }, schema, ctx)).rejects.toThrow(/cannot append to a gzip JSON array/);
  });
});
