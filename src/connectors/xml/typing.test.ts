import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectBatches, createTestContext, type TestContext } from '../../testing/context.js';
import { xmlSource } from './source.js';

const contexts: TestContext[] = [];
afterEach(() => {
  for (const c of contexts.splice(0)) c.cleanup();
});

async function read(body: string, options: Record<string, unknown> = {}, batchSize = 100) {
  const c = createTestContext({ batch_size: batchSize });
  contexts.push(c);
  writeFileSync(join(c.dir, 'in.xml'), `<rs>\n${body}\n</rs>`);
  const { batches, rows } = await collectBatches(xmlSource.read({ path: 'in.xml', record_element: 'r', ...options }, c));
  return { batches, rows, rejects: c.rejects };
}

describe('xml source typing', () => {
  it('keys a row in flattening order, then the columns it lacks (as null) in column order', async () => {
    const { rows, batches } = await read('<r><b>1</b><a>x</a></r>\n<r><a>y</a></r>\n<r><a>z</a><b>2</b><c>3</c></r>\n<r><b>4</b><a>w</a><c>5</c></r>');
    expect(batches[0]!.schema.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['b:integer', 'a:string', 'c:integer']);
    expect(rows.map((r) => Object.keys(r))).toEqual([['b', 'a', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c'], ['b', 'a', 'c']]);
    expect(rows).toEqual([{ b: 1, a: 'x', c: null }, { a: 'y', b: null, c: null }, { a: 'z', b: 2, c: 3 }, { b: 4, a: 'w', c: 5 }]);
  });

  it('lets a child element win over a record attribute of the same name, in the attribute\'s place', async () => {
    const { rows } = await read('<r id="1" k="a"><id>2</id></r>');
    expect(rows).toEqual([{ id: 2, k: 'a' }]);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'k']);
  });

  it('makes an element an array in every record of the batch where it first repeats', async () => {
    const { rows, batches } = await read('<r><item>a</item></r>\n<r><item>b</item><item>c</item></r>', {}, 10);
    expect(rows).toEqual([{ item: ['a'] }, { item: ['b', 'c'] }]);
    expect(batches[0]!.schema.columns).toEqual([{ name: 'item', type: 'json' }]);
  });

  it('rejects a row with its untyped values, keyed in flattening order, and keeps typing the next', async () => {
    const { rows, rejects } = await read('<r><n>1</n><s>a</s></r>\n<r><s>b</s><n>x</n></r>\n<r><n>3</n></r>', {}, 1);
    expect(rows).toEqual([{ n: 1, s: 'a' }, { n: 3, s: null }]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.record).toEqual({ s: 'b', n: 'x' });
    expect(Object.keys(rejects[0]!.record as object)).toEqual(['s', 'n']);
    expect(rejects[0]).toMatchObject({ column: 'n', position: { line: 3, row: 2 } });
  });

  it('adds columns first seen in a later batch, typed from that batch', async () => {
    const { batches } = await read('<r><a>1</a></r>\n<r><a>2</a><d>2024-01-02</d></r>\n<r><a>3</a><d>2024-01-03</d></r>', {}, 1);
    expect(batches.map((b) => b.schema.columns.map((c) => c.type))).toEqual([['integer'], ['integer', 'date'], ['integer', 'date']]);
    expect(batches.map((b) => b.rows[0])).toEqual([{ a: 1 }, { a: 2, d: '2024-01-02' }, { a: 3, d: '2024-01-03' }]);
  });
});
