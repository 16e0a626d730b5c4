import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres } from '../../src/connectors/postgres/index.js';
import type { SinkRuntime } from '../../src/connectors/define.js';
import type { RecordBatch, RecordSchema, Row } from '../../src/core/records/types.js';
import { requireDatabaseUrl } from './database.js';
import { pgContext, uniqueName, withClient } from './helpers.js';

const ROWS = 100_000;
const schema: RecordSchema = {
  columns: [
    { name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'amount', type: 'decimal', precision: 12, scale: 2 },
    { name: 'created_at', type: 'timestamp', with_zone: true }, { name: 'note', type: 'string' },
  ],
};

/** Rows generated lazily, like a real source (bounded memory). */
async function* generate(offset: number, tag: string): AsyncIterable<RecordBatch> {
  for (let start = 0; start < ROWS; start += 2000) {
    const rows: Row[] = [];
    for (let i = start; i < start + 2000; i++) {
      const id = offset + i;
      rows.push({ id, name: `${tag} ${id}`, amount: `${id % 100000}.${String(id % 100).padStart(2, '0')}`, created_at: '2024-01-02T03:04:05.123456Z', note: id % 20 === 0 ? null : id % 7 === 0 ? 'with, "quotes"\nand newline' : 'n' });
    }
    yield { schema, rows };
  }
}

let url: string;
let sink: SinkRuntime;
const table = `${uniqueName('bench')}`;

beforeAll(async () => {
  url = requireDatabaseUrl();
  sink = (await postgres.load()).sink!;
});
afterAll(async () => {
  if (url) await withClient(url, (c) => c.query(`DROP TABLE IF EXISTS "${table}"`));
});

describe('postgres sink throughput (measured, not asserted)', () => {
  it(`appends then upserts ${ROWS} rows`, async () => {
    const ctx = pgContext(url);
    let t0 = performance.now();
    const append = await sink.apply(await sink.plan({ table, mode: 'append' }, schema, ctx), generate(1, 'a'), ctx);
    const appendSecs = (performance.now() - t0) / 1000;
    await withClient(url, (c) => c.query(`ALTER TABLE "${table}" ADD PRIMARY KEY (id)`));
    t0 = performance.now();
    // half updates, half inserts
    const upsert = await sink.apply(await sink.plan({ table, mode: 'upsert', key: ['id'] }, schema, ctx), generate(ROWS / 2 + 1, 'u'), ctx);
    const upsertSecs = (performance.now() - t0) / 1000;
    console.log(`postgres append: ${Math.round(ROWS / appendSecs)} rows/s; upsert: ${Math.round(ROWS / upsertSecs)} rows/s (${ROWS} rows)`);
    expect(append.rows_written).toBe(ROWS);
    expect(upsert.rows_written).toBe(ROWS);
    const counts = await withClient(url, async (c) => (await c.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE name LIKE 'u %')::int AS u FROM "${table}"`)).rows[0]);
    expect(counts).toEqual({ n: ROWS * 1.5, u: ROWS });
  });
});
