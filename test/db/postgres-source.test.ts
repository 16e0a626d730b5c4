import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres } from '../../src/connectors/postgres/index.js';
import type { SourceRuntime } from '../../src/connectors/define.js';
import { collectBatches } from '../../src/testing/context.js';
import { requireDatabaseUrl } from './database.js';
import { pgContext, uniqueName, withClient } from './helpers.js';

let url: string;
let source: SourceRuntime;
const schema = uniqueName('src');

beforeAll(async () => {
  url = requireDatabaseUrl();
  source = (await postgres.load()).source!;
  await withClient(url, async (c) => {
    await c.query(`CREATE SCHEMA "${schema}"`);
    await c.query(`CREATE TABLE "${schema}".types (
      id int PRIMARY KEY, i2 smallint, i8 bigint, n numeric(20,2), nn numeric, f4 real, f8 double precision,
      b boolean, d date, ts timestamp(6), tz timestamptz(6), t text, vc varchar(10), c char(3), u uuid,
      j json, jb jsonb, by bytea, ai int[], at text[], a8 bigint[], e_mpty text)`);
    await c.query(`INSERT INTO "${schema}".types VALUES
      (1, -32768, 9007199254740993, 123456789012345678.12, 0.000000000000000001, 1.5, 0.1,
       true, '2024-02-29', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.654321+02:30', 'héllo ✓ 😀', 'abc', 'ab',
       'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2.5, "x"]}', '{"k": {"n": null}}', '\\x00ff10',
       '{1,NULL,3}', '{"a,b","c\\"d",NULL}', '{9007199254740993,1}', ''),
      (2, NULL, 42, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    await c.query(`CREATE TABLE "${schema}".events (id int, updated_at timestamptz)`);
    await c.query(`INSERT INTO "${schema}".events SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour' FROM generate_series(1, 2500) g`);
  });
});

afterAll(async () => {
  if (url) await withClient(url, (c) => c.query(`DROP SCHEMA "${schema}" CASCADE`));
});

describe('postgres source', () => {
  it('maps every type exactly, with NULLs', async () => {
    const ctx = pgContext(url);
    const { batches, rows } = await collectBatches(source.read({ query: `SELECT * FROM "${schema}".types ORDER BY id` }, ctx));
    expect(rows[0]).toEqual({
      id: 1, i2: -32768, i8: 9007199254740993n, n: '123456789012345678.12', nn: '0.000000000000000001', f4: 1.5, f8: 0.1,
      b: true, d: '2024-02-29', ts: '2024-01-02T03:04:05.123456', tz: '2024-01-02T00:34:05.654321Z',
      t: 'héllo ✓ 😀', vc: 'abc', c: 'ab ', u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      j: { a: [1, 2.5, 'x'] }, jb: { k: { n: null } }, by: new Uint8Array([0, 255, 16]),
      ai: [1, null, 3], at: ['a,b', 'c"d', null], a8: ['9007199254740993', 1], e_mpty: '',
    });
    expect(rows[1]).toEqual({
      id: 2, i2: null, i8: 42, n: null, nn: null, f4: null, f8: null, b: null, d: null, ts: null, tz: null, t: null,
      vc: null, c: null, u: null, j: null, jb: null, by: null, ai: null, at: null, a8: null, e_mpty: null,
    });
    expect(rows[0]!.by).toBeInstanceOf(Uint8Array);
    const cols = Object.fromEntries(batches[0]!.schema.columns.map((c) => [c.name, c]));
    expect(cols.n).toMatchObject({ type: 'decimal', precision: 20, scale: 2 });
    expect(cols.tz).toMatchObject({ type: 'timestamp', with_zone: true });
    expect(cols.ts).toMatchObject({ type: 'timestamp', with_zone: false });
    expect(Object.fromEntries(batches[0]!.schema.columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'integer', i2: 'integer', i8: 'integer', n: 'decimal', nn: 'decimal', f4: 'number', f8: 'number',
      b: 'boolean', d: 'date', ts: 'timestamp', tz: 'timestamp', t: 'string', vc: 'string', c: 'string', u: 'string',
      j: 'json', jb: 'json', by: 'binary', ai: 'json', at: 'json', a8: 'json', e_mpty: 'string',
    });
  });

  it('streams a table in batch_size batches, with columns and a limit', async () => {
    const ctx = pgContext(url, { batch_size: 1000 });
    const all = await collectBatches(source.read({ table: `${schema}.events`, columns: ['id'] }, ctx));
    expect(all.batches.map((b) => b.rows.length)).toEqual([1000, 1000, 500]);
    expect(all.rows[0]).toEqual({ id: 1 });
    const limited = await collectBatches(source.read({ table: `${schema}.events` }, pgContext(url, { batch_size: 1000, limit: 1200 })));
    expect(limited.rows).toHaveLength(1200);
  });

  it('binds params and returns the schema of an empty result', async () => {
    const ctx = pgContext(url);
    const { rows } = await collectBatches(source.read({ query: `SELECT id FROM "${schema}".events WHERE id <= $1 AND $2::text = 'x' ORDER BY id`, params: [3, 'x'] }, ctx));
    expect(rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    const injected = await collectBatches(source.read({ query: `SELECT id FROM "${schema}".events WHERE $1::text IS NULL`, params: ["' OR 1=1 --"] }, ctx));
    expect(injected.rows).toEqual([]);
  });

  it('reads an incremental window with bind parameters, ordered by the column', async () => {
    const incremental = { column: 'updated_at', after: '2024-01-01T10:00:00Z', until: '2024-01-01T13:00:00Z' };
    const ctx = pgContext(url, { incremental });
    const description = await source.describe!({ table: `${schema}.events` }, ctx);
    expect(description.statements).toEqual([
      `SELECT * FROM (SELECT * FROM "${schema}"."events") AS src WHERE src."updated_at" > $1 AND src."updated_at" <= $2 ORDER BY src."updated_at"`,
    ]);
    const { rows } = await collectBatches(source.read({ table: `${schema}.events` }, ctx));
    expect(rows.map((r) => r.id)).toEqual([11, 12, 13]);
    expect(rows[0]!.updated_at).toBe('2024-01-01T11:00:00Z');
    const first = await collectBatches(source.read({ query: `SELECT * FROM "${schema}".events WHERE id > $1;`, params: [2497] }, pgContext(url, { incremental: { column: 'id' } })));
    expect(first.rows.map((r) => r.id)).toEqual([2498, 2499, 2500]);
  });

  it('check() reports a missing table or column, and passes for a good one', async () => {
    const check = (options: Record<string, unknown>) => source.check!(options, {
      signal: new AbortController().signal, connection: { url }, path: '/extract',
      pipeline: pgContext(url).pipeline,
      issue: (path, code, message, hint) => ({ severity: 'error', path, code, message, ...(hint ? { hint } : {}) }),
    });
    expect(await check({ table: `${schema}.events`, columns: ['id'] })).toEqual([]);
    const missing = await check({ table: `${schema}.nope` });
    expect(missing[0]).toMatchObject({ code: 'E_PG_42P01', path: '/extract' });
    const badColumn = await check({ table: `${schema}.events`, columns: ['nope'] });
    expect(badColumn[0]?.code).toBe('E_PG_42703');
  });
});
