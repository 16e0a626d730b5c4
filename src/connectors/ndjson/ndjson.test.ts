import { describe, it, expect, afterEach } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestContext, collectBatches, type TestContext } from '../../testing/context.js';
import { RunError } from '../../core/errors.js';
import type { RecordBatch, RecordSchema } from '../../core/records/types.js';
import { ndjsonSource } from './source.js';
import { ndjsonSink } from './sink.js';
import { parseJsonLine } from './parse-line.js';
import { PreciseNumber } from '../shared/json-rows.js';

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

async function readNdjson(content: string | Buffer, batchSize = 2000, options: Record<string, unknown> = {}) {
  ctx = createTestContext({ batch_size: batchSize });
  await writeFile(join(ctx.dir, 'in.ndjson'), content);
  const { batches, rows } = await collectBatches(ndjsonSource.read({ path: 'in.ndjson', ...options }, ctx));
  return { batches, rows, rejects: ctx.rejects };
}

describe('parseJsonLine', () => {
  it('keeps long top-level numbers exact and leaves strings alone', () => {
    const v = parseJsonLine('{"id":12345678901234567,"s":"12345678901234567","d":0.12345678901234567890,"n":{"x":12345678901234567},"u":99999999999999999999}') as Record<string, unknown>;
    expect(v.id).toBe(12345678901234567n);
    expect(v.s).toBe('12345678901234567');
    expect(v.d).toEqual(new PreciseNumber('0.12345678901234567890'));
    expect(v.n).toEqual({ x: 12345678901234568 });
    expect(v.u).toEqual(new PreciseNumber('99999999999999999999'));
    expect(parseJsonLine('{"a":"\\"1234567890123456789"}')).toEqual({ a: '"1234567890123456789' });
  });
});

describe('ndjson source', () => {
  it('types columns from the first batch, keeps nested values as json, adds later keys', async () => {
    const lines = [
      '{"id":1,"amount":1.5,"ok":true,"tags":["a"],"meta":{"k":1},"at":"2024-01-01T00:00:00Z","big":9007199254740993}',
      '{"id":2,"amount":2,"ok":false,"tags":[],"meta":null,"at":"2024-01-02T00:00:00Z","big":1}',
      '{"id":3,"amount":3,"ok":true,"tags":[],"meta":{},"at":"2024-01-03T00:00:00Z","big":2,"extra":"new"}',
    ];
    const { batches, rows } = await readNdjson(lines.join('\n') + '\n', 2);
    expect(batches[0]!.schema.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:integer', 'amount:number', 'ok:boolean', 'tags:json', 'meta:json', 'at:timestamp', 'big:integer',
    ]);
    expect(batches[1]!.schema.columns.at(-1)).toEqual({ name: 'extra', type: 'string' });
    expect(rows[0]).toEqual({ id: 1, amount: 1.5, ok: true, tags: ['a'], meta: { k: 1 }, at: '2024-01-01T00:00:00Z', big: 9007199254740993n });
    expect(rows[2]!.extra).toBe('new');
    expect(batches[1]!.origin).toEqual([{ file: 'in.ndjson', line: 3, row: 3 }]);
  });

  it('widens mixed numbers without loss', async () => {
    const { rows, batches } = await readNdjson('{"a":1.5,"b":1}\n{"a":12345678901234567,"b":12345678901234567}\n');
    expect(batches[0]!.schema.columns.map((c) => c.type)).toEqual(['decimal', 'integer']);
    expect(rows).toEqual([{ a: '1.5', b: 1 }, { a: '12345678901234567', b: 12345678901234567n }]);
  });

  it('rejects invalid, non-object, ill-typed and truncated lines with line numbers', async () => {
    const text = '{"id":1}\n\nnot json\n[1,2]\n{"id":"x"}\r\n{"id":4}\n{"id":5,"na';
    const { rows, rejects } = await readNdjson(text, 1);
    expect(rows).toEqual([{ id: 1 }, { id: 4 }]);
    expect(rejects.map((r) => [r.position?.line, r.reason.replace(/:.*$/, ':'), typeof r.record === 'string' ? r.record : 'row'])).toEqual([
      [3, 'invalid JSON:', 'not json'],
      [4, 'not a JSON object (found an array)', '[1,2]'],
      [5, 'column id:', 'row'],
      [7, 'invalid JSON:', '{"id":5,"na'],
    ]);
    expect(rejects[2]!.reason).toBe('column id: "x" is not an integer');
  });

  it('honours columns overrides and limit, and reports invalid UTF-8 with its line', async () => {
    expect((await readNdjson('{"id":1,"p":{"a":1}}\n', 10, { columns: { id: 'string' } })).rows).toEqual([{ id: '1', p: { a: 1 } }]);
    ctx.cleanup();
    ctx = createTestContext({ limit: 2, batch_size: 10 });
    await writeFile(join(ctx.dir, 'l.ndjson'), '{"a":1}\n{"a":2}\n{"a":3}\n');
    expect((await collectBatches(ndjsonSource.read({ path: 'l.ndjson' }, ctx))).rows).toEqual([{ a: 1 }, { a: 2 }]);
    const err = await readNdjson(Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')])).catch((e: unknown) => e);
    expect((err as RunError).message).toBe('in.ndjson:2: invalid UTF-8 byte sequence');
  });
});

describe('ndjson sink', () => {
  it('writes bigint as exact JSON numbers, binary as base64, decimals as strings', async () => {
    ctx = createTestContext();
    const schema: RecordSchema = { columns: [{ name: 'id', type: 'integer' }, { name: 'b', type: 'binary' }, { name: 'd', type: 'decimal' }] };
    async function* input(): AsyncGenerator<RecordBatch> {
      yield { schema, rows: [{ id: 123456789012345678n, b: new Uint8Array([255]), d: '1.50' }, { id: 1, b: null, d: null }] };
    }
    const plan = await ndjsonSink.plan({ path: 'o.ndjson' }, schema, ctx);
    await ndjsonSink.apply(plan, input(), ctx);
    const text = await readFile(join(ctx.dir, 'o.ndjson'), 'utf8');
    expect(text).toBe('{"id":123456789012345678,"b":"/w==","d":"1.50"}\n{"id":1,"b":null,"d":null}\n');
    const back = await collectBatches(ndjsonSource.read({ path: 'o.ndjson' }, ctx));
    expect(back.rows[0]!.id).toBe(123456789012345678n);
  });
});
