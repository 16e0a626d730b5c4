import { describe, expect, it } from 'vitest';
import { defaultTransform } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';

const batch = batchOf({ country: 'string', qty: 'integer', amount: 'decimal' }, [
  { country: null, qty: null, amount: null },
  { country: 'FR', qty: 2, amount: '1.50' },
]);

describe('default', () => {
  it('fills nulls with values converted to the column type', async () => {
    const { rows } = await runTransform(defaultTransform, { values: { country: 'unknown', qty: 1, amount: 0 } }, [batch]);
    expect(rows).toEqual([{ country: 'unknown', qty: 1, amount: '0' }, { country: 'FR', qty: 2, amount: '1.50' }]);
    expect(batch.rows[0]!.country).toBe(null);
  });

  it('refuses a default that does not fit the type', async () => {
    await expect(runTransform(defaultTransform, { values: { qty: 'many' } }, [batch])).rejects.toMatchObject({ code: 'E_DEFAULT_TYPE' });
  });
});
