import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordBatch, RecordSchema } from '../../core/records/types.js';
import { createTestContext, type TestContext } from '../../testing/context.js';
import { readRows, sql, writeRows } from './test-helpers.js';

const schema: RecordSchema = {
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'name', type: 'string' },
    { name: 'ratio', type: 'number' },
    { name: 'amount', type: 'decimal' },
    { name: 'at', type: 'timestamp' },
    { name: 'active', type: 'boolean' },
  ],
};

async function* generate(total: number, batch: number): AsyncGenerator<RecordBatch> {
  for (let start = 0; start < total; start += batch) {
    const rows = Array.from({ length: Math.min(batch, total - start) }, (_, i) => {
      const id = start + i;
      return { id, name: `customer ${id}`, ratio: id / 7, amount: `${id}.25`, at: '2024-05-06T07:08:09.123456Z', active: id % 2 === 0 };
    });
    yield { schema, rows };
  }
}

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

describe('sqlite throughput', () => {
  it('inserts and reads 100k rows (rows/s printed)', async () => {
    ctx = createTestContext();
    const N = 100_000;
    const t0 = performance.now();
    const r = await writeRows({ path: 'big.db', table: 't' }, schema, generate(N, 2000), ctx);
    const writeMs = performance.now() - t0;
    expect(r.rows_written).toBe(N);
    expect(await sql(join(ctx.dir, 'big.db'), 'SELECT count(*) AS n, sum(active) AS a FROM t')).toEqual([{ n: BigInt(N), a: BigInt(N / 2) }]);
    const t1 = performance.now();
    const { rows } = await readRows({ path: 'big.db', table: 't' }, ctx);
    const readMs = performance.now() - t1;
    expect(rows).toHaveLength(N);
    expect(rows[N - 1]).toMatchObject({ id: N - 1, amount: `${N - 1}.25`, active: false });
    console.info(`sqlite 100k rows x 6 cols: write ${Math.round((N / writeMs) * 1000)} rows/s, read ${Math.round((N / readMs) * 1000)} rows/s`);
  });
});
