import { describe, expect, it } from 'vitest';
import type { SinkPlan } from '../../src/connectors/define.js';
import type { MysqlSinkInternal } from '../../src/connectors/mysql/sink-plan.js';
import type { RecordSchema, Row } from '../../src/core/records/types.js';
import { collectBatches } from '../../src/testing/context.js';
import { batchesOf, myContext, runtimes, sql, uniqueName } from './helpers.js';

const schema: RecordSchema = {
  columns: [
    { name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'amount', type: 'decimal', precision: 12, scale: 2 },
    { name: 'at', type: 'timestamp' }, { name: 'flag', type: 'boolean' },
  ],
};
const ROWS = 50_000;
const rows: Row[] = Array.from({ length: ROWS }, (_, i) => ({
  id: i + 1, name: `customer ${i} with a name`, amount: `${i % 100000}.${String(i % 100).padStart(2, '0')}`,
  at: '2024-05-06T07:08:09.123456Z', flag: i % 2 === 0,
}));

describe('mysql throughput (printed, not asserted)', () => {
  it('appends 50k rows: 500 vs 1000 rows per INSERT statement, then reads them back', async () => {
    const { sink, source } = await runtimes();
    for (const perStatement of [500, 1000]) {
      const table = uniqueName(`tp${perStatement}`);
      const ctx = myContext();
      const plan = await sink.plan({ table }, schema, ctx);
      const tuned: SinkPlan = { ...plan, internal: { ...(plan.internal as MysqlSinkInternal), rows_per_statement: perStatement } };
      const t0 = performance.now();
      const result = await sink.apply(tuned, batchesOf(schema, rows, 2000), ctx);
      const secs = (performance.now() - t0) / 1000;
      console.log(`mysql append ${ROWS} rows, ${perStatement} rows/statement: ${secs.toFixed(2)} s, ${Math.round(ROWS / secs)} rows/s`);
      expect(result.rows_written).toBe(ROWS);
      expect(Number((await sql(`SELECT COUNT(*) AS n FROM \`${table}\``))[0]!.n)).toBe(ROWS);
      if (perStatement === 1000) {
        const t1 = performance.now();
        const back = await collectBatches(source.read({ table }, myContext({ batch_size: 2000 })));
        const readSecs = (performance.now() - t1) / 1000;
        console.log(`mysql read ${ROWS} rows: ${readSecs.toFixed(2)} s, ${Math.round(ROWS / readSecs)} rows/s`);
        expect(back.rows.length).toBe(ROWS);
      }
    }
  });
});
