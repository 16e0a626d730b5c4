import { describe, expect, it } from 'vitest';
import { select } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';

const batch = batchOf({ id: 'integer', email: 'string', amount: 'decimal' }, [
  { id: 1, email: 'a@x', amount: '1.00' },
  { id: 2, email: 'b@x', amount: '2.00' },
]);

describe('select', () => {
  it('keeps the listed columns in the listed order', async () => {
    const { batches } = await runTransform(select, { columns: ['amount', 'id'] }, [batch]);
    expect(batches[0]!.schema.columns).toEqual([{ name: 'amount', type: 'decimal' }, { name: 'id', type: 'integer' }]);
    expect(batches[0]!.rows).toEqual([{ amount: '1.00', id: 1 }, { amount: '2.00', id: 2 }]);
    expect(Object.keys(batches[0]!.rows[0]!)).toEqual(['amount', 'id']);
    expect(batches[0]!.origin).toBe(batch.origin);
  });

  it('names an unknown column with a suggestion', async () => {
    await expect(runTransform(select, { columns: ['id', 'emial'] }, [batch])).rejects.toMatchObject({
      code: 'E_UNKNOWN_COLUMN', message: 'transform[0] select: unknown column `emial` in `columns`', hint: 'did you mean `email`?',
    });
  });
});
