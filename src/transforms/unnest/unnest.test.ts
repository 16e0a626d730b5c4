import { describe, expect, it } from 'vitest';
import { unnest } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';

const batch = batchOf({ order: 'integer', items: 'json' }, [
  { order: 1, items: ['a', 'b'] },
  { order: 2, items: [] },
  { order: 3, items: '["c"]' },
  { order: 4, items: 'oops' },
  { order: 5, items: null },
]);

describe('unnest', () => {
  it('emits one row per element, each with its parent position', async () => {
    const { batches, ctx } = await runTransform(unnest, { column: 'items', index: 'n' }, [batch]);
    const b = batches[0]!;
    expect(b.rows).toEqual([{ order: 1, items: 'a', n: 1 }, { order: 1, items: 'b', n: 2 }, { order: 3, items: 'c', n: 1 }]);
    expect(b.origin).toEqual([{ file: 'data.csv', line: 2 }, { file: 'data.csv', line: 2 }, { file: 'data.csv', line: 4 }]);
    expect(b.schema.columns).toEqual([{ name: 'order', type: 'integer' }, { name: 'items', type: 'string' }, { name: 'n', type: 'integer' }]);
    expect(ctx.rejects).toMatchObject([{ reason: 'unnest: column items is not an array', column: 'items', position: { line: 5 } }]);
  });

  it('keep_empty keeps empty and null arrays once', async () => {
    const { rows } = await runTransform(unnest, { column: 'items', keep_empty: true }, [batch]);
    expect(rows.map((r) => r.order)).toEqual([1, 1, 2, 3, 5]);
  });
});
