import { describe, expect, it } from 'vitest';
import { rename } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';

const batch = batchOf({ 'Order ID': 'integer', a: 'string', b: 'string' }, [{ 'Order ID': 7, a: 'A', b: 'B' }]);

describe('rename', () => {
  it('renames in place, keeping types and values', async () => {
    const { batches } = await runTransform(rename, { columns: { 'Order ID': 'order_id' } }, [batch]);
    expect(batches[0]!.schema.columns).toEqual([{ name: 'order_id', type: 'integer' }, { name: 'a', type: 'string' }, { name: 'b', type: 'string' }]);
    expect(batches[0]!.rows).toEqual([{ order_id: 7, a: 'A', b: 'B' }]);
  });

  it('swaps two columns', async () => {
    const { rows } = await runTransform(rename, { columns: { a: 'b', b: 'a' } }, [batch]);
    expect(rows).toEqual([{ 'Order ID': 7, b: 'A', a: 'B' }]);
  });

  it('refuses collisions and unknown names', async () => {
    await expect(runTransform(rename, { columns: { a: 'b' } }, [batch])).rejects.toMatchObject({ code: 'E_DUPLICATE_COLUMN' });
    await expect(runTransform(rename, { columns: { c: 'd' } }, [batch])).rejects.toMatchObject({ code: 'E_UNKNOWN_COLUMN' });
  });
});
