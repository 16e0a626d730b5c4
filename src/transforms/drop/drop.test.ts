import { describe, expect, it } from 'vitest';
import { drop } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';

const batch = batchOf({ id: 'integer', secret: 'string', amount: 'decimal' }, [{ id: 1, secret: 's', amount: '1.00' }]);

describe('drop', () => {
  it('removes the listed columns and keeps the order of the rest', async () => {
    const { batches } = await runTransform(drop, { columns: ['secret'] }, [batch]);
    expect(batches[0]!.schema.columns.map((c) => c.name)).toEqual(['id', 'amount']);
    expect(batches[0]!.rows).toEqual([{ id: 1, amount: '1.00' }]);
  });

  it('refuses an unknown column instead of silently keeping it', async () => {
    await expect(runTransform(drop, { columns: ['secrte'] }, [batch])).rejects.toMatchObject({ hint: 'did you mean `secret`?' });
  });
});
