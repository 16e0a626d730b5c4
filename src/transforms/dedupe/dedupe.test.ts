import { describe, expect, it } from 'vitest';
import { dedupe } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';

const b1 = batchOf({ id: 'integer', v: 'string' }, [{ id: 1, v: 'a' }, { id: 2, v: 'b' }, { id: 1, v: 'c' }]);
const b2 = batchOf({ id: 'integer', v: 'string' }, [{ id: 3, v: 'd' }, { id: 2, v: 'e' }, { id: '1', v: 'text key' }], 5);

describe('dedupe', () => {
  it('keep: first streams the first row of each key across batches', async () => {
    const { batches, ctx } = await runTransform(dedupe, { key: ['id'] }, [b1, b2]);
    expect(batches.map((b) => b.rows.map((r) => r.v))).toEqual([['a', 'b'], ['d', 'text key']]);
    expect(batches[1]!.origin).toEqual([{ file: 'data.csv', line: 5 }, { file: 'data.csv', line: 7 }]);
    expect(ctx.emitted).toContainEqual({ type: 'info', stage: 'transform[0] dedupe', message: 'dedupe removed 2 duplicate rows' });
  });

  it('keep: last emits the last row of each key at the end, in last-occurrence order', async () => {
    const { rows, batches } = await runTransform(dedupe, { key: ['id'], keep: 'last' }, [b1, b2], { batch_size: 2 });
    expect(rows.map((r) => r.v)).toEqual(['c', 'd', 'e', 'text key']);
    expect(batches.map((b) => b.rows.length)).toEqual([2, 2]);
    expect(batches[0]!.origin).toEqual([{ file: 'data.csv', line: 4 }, { file: 'data.csv', line: 5 }]);
  });

  it('supports composite keys and refuses unknown key columns', async () => {
    const { rows } = await runTransform(dedupe, { key: ['id', 'v'] }, [b1]);
    expect(rows).toHaveLength(3);
    await expect(runTransform(dedupe, { key: ['idd'] }, [b1])).rejects.toMatchObject({ code: 'E_UNKNOWN_COLUMN', hint: 'did you mean `id`?' });
  });
});
