import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, removeTempDirs, tempDir, write } from '../e2e/helpers.js';
import { requireDatabaseUrl } from './database.js';

/** `lookup` with a PostgreSQL table as the lookup source, through the built CLI. */
const SCHEMA = `lk_${process.pid}`;

describe('lookup from PostgreSQL (built bin)', () => {
  let url = '';
  let client: pg.Client;
  let dir = '';
  const conn = 'connections: { db: { type: postgres, url: "${env:LK_DATABASE_URL}" } }';
  const run = (args: string[]) => cli(args, { cwd: dir, env: { LK_DATABASE_URL: url } });

  beforeAll(async () => {
    assertBuilt();
    url = requireDatabaseUrl();
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE SCHEMA ${SCHEMA};
      CREATE TABLE ${SCHEMA}.customers (id bigint PRIMARY KEY, region text NOT NULL, name text, credit numeric(12,2));
      INSERT INTO ${SCHEMA}.customers VALUES (1, 'eu', 'Ada', 100.50), (2, 'us', 'Grace', 9999999999.99), (9007199254740993, 'eu', 'Big', NULL);
      CREATE TABLE ${SCHEMA}.orders (order_id int PRIMARY KEY, customer_id bigint, region text);
      INSERT INTO ${SCHEMA}.orders VALUES (10, 2, 'us'), (11, 9007199254740993, 'eu'), (12, 1, 'us'), (13, 1, 'eu');`);
    dir = await tempDir('etl-lookup-pg-');
    await write(dir, 'orders.csv', 'order_id,customer_id\n1,1\n2,2\n3,9007199254740993\n4,7\n');
  }, 120_000);

  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client?.end();
    await removeTempDirs();
  });

  it('csv orders joined to a postgres table: exact decimals and big integer keys, a missing key rejected', async () => {
    await write(dir, 'csv.yml', `version: 1
name: lookup_pg
${conn}
extract: { type: csv, path: orders.csv }
transform:
  - type: lookup
    from: { type: postgres, connection: db, table: ${SCHEMA}.customers }
    on: { customer_id: id }
    fields: [name, credit]
    on_missing: reject
load: { type: ndjson, path: out/orders.ndjson }
errors: { dead_letter: out/rejects.ndjson }
`);
    const dry = await run(['dry-run', 'csv.yml']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`lookup loads table ${SCHEMA}.customers (postgres, connection db) into memory, key customer_id=id`);
    expect(dry.stdout).toMatch(/schema: order_id: integer, customer_id: integer, name: string, credit: decimal/);
    const r = await run(['run', 'csv.yml']);
    expect(r.code, r.stderr).toBe(0);
    const rows = (await readFile(join(dir, 'out', 'orders.ndjson'), 'utf8')).trim().split('\n');
    expect(rows).toEqual([
      '{"order_id":1,"customer_id":1,"name":"Ada","credit":"100.50"}',
      '{"order_id":2,"customer_id":2,"name":"Grace","credit":"9999999999.99"}',
      '{"order_id":3,"customer_id":9007199254740993,"name":"Big","credit":null}',
    ]);
    const rejects = (await readFile(join(dir, 'out', 'rejects.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejects.map((x) => x['reason'])).toEqual([`no ${SCHEMA}.customers row for customer_id=7`]);
  });

  it('postgres → lookup (query, composite key) → postgres, both reads on one connection definition', async () => {
    await client.query(`CREATE TABLE ${SCHEMA}.enriched (order_id int PRIMARY KEY, customer_id bigint, region text, name text)`);
    await write(dir, 'pg.yml', `version: 1
name: lookup_pg_pg
${conn}
extract: { type: postgres, connection: db, query: "SELECT * FROM ${SCHEMA}.orders ORDER BY order_id" }
transform:
  - type: lookup
    from: { type: postgres, connection: db, query: "SELECT id, region, name FROM ${SCHEMA}.customers" }
    on: { customer_id: id, region: region }
    fields: [name]
load: { type: postgres, connection: db, table: ${SCHEMA}.enriched, mode: append }
`);
    const r = await run(['run', 'pg.yml']);
    expect(r.code, r.stderr).toBe(0);
    const got = await client.query(`SELECT order_id, name FROM ${SCHEMA}.enriched ORDER BY order_id`);
    // order 12 is customer 1 in region 'us': no such pair, kept with a null name
    expect(got.rows).toEqual([{ order_id: 10, name: 'Grace' }, { order_id: 11, name: 'Big' }, { order_id: 12, name: null }, { order_id: 13, name: 'Ada' }]);
  });
});
