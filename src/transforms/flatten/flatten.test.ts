import { describe, expect, it } from 'vitest';
import { flatten } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';

const b1 = batchOf({ id: 'integer', customer: 'json' }, [
  { id: 1, customer: { name: 'Ann', address: { city: 'Oslo', zip: '0150' }, tags: ['a'] } },
  { id: 2, customer: null },
  { id: 3, customer: 5 },
]);
const b2 = batchOf({ id: 'integer', customer: 'json' }, [{ id: 4, customer: { name: 'Bo', age: 40 } }], 10);

describe('flatten', () => {
  it('turns nested objects into typed leaf columns, fixed by the first batch', async () => {
    const { batches, ctx } = await runTransform(flatten, {}, [b1, b2]);
    expect(batches[0]!.schema.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'customer.name', type: 'string' },
      { name: 'customer.address.city', type: 'string' },
      { name: 'customer.address.zip', type: 'string' },
      { name: 'customer.tags', type: 'json' },
    ]);
    expect(batches[0]!.rows).toEqual([
      { id: 1, 'customer.name': 'Ann', 'customer.address.city': 'Oslo', 'customer.address.zip': '0150', 'customer.tags': ['a'] },
      { id: 2, 'customer.name': null, 'customer.address.city': null, 'customer.address.zip': null, 'customer.tags': null },
    ]);
    expect(batches[0]!.origin).toEqual([{ file: 'data.csv', line: 2 }, { file: 'data.csv', line: 3 }]);
    expect(ctx.rejects).toMatchObject([{ reason: 'flatten: column customer is not an object', position: { line: 4 } }]);
    expect(batches[1]!.rows[0]).toMatchObject({ 'customer.name': 'Bo', 'customer.address.city': null });
    expect(ctx.emitted.filter((e) => e.type === 'warning')).toHaveLength(1);
  });

  it('honours separator and max_depth', async () => {
    const { batches } = await runTransform(flatten, { columns: ['customer'], separator: '_', max_depth: 1 }, [b1]);
    expect(batches[0]!.schema.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'], ['customer_name', 'string'], ['customer_address', 'json'], ['customer_tags', 'json'],
    ]);
  });
});
