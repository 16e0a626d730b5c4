import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, removeTempDirs, ROOT, tempDir, write } from './helpers.js';

/** The `lookup` transform through the built bin: examples/lookup as a user runs it, and a sqlite lookup. */
describe('lookup (built bin)', () => {
  let dir = '';
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir('etl-lookup-');
    await cp(join(ROOT, 'examples', 'lookup'), dir, { recursive: true });
  });
  afterAll(removeTempDirs);

  const pipeline = async () => readFile(join(dir, 'pipeline.yml'), 'utf8');

  it('examples/lookup runs: 5 orders joined to their customer, the unknown customer rejected with a reason', async () => {
    const r = await cli(['run', 'pipeline.yml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = (await readFile(join(dir, 'out', 'orders_with_customers.csv'), 'utf8')).trim().split('\n');
    expect(out[0]).toBe('order_id,customer_id,amount,ordered_at,customer_name,country,segment');
    expect(out.slice(1).map((l) => l.split(',').slice(0, 2).concat(l.split(',').slice(4)).join(','))).toEqual([
      '1001,1,Ada Lovelace,GB,enterprise',
      '1002,2,Grace Hopper,US,enterprise',
      '1003,3,Alan Turing,GB,smb',
      '1005,5,Barbara Liskov,US,enterprise',
      '1006,1,Ada Lovelace,GB,enterprise',
    ]);
    const rejects = (await readFile(join(dir, 'out', 'rejects.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejects.map((x) => [x['stage'], x['reason'], x['position']])).toEqual([
      ['transform[0] lookup', 'no customers.csv row for customer_id=42', 'data/orders.csv:5'],
    ]);
  });

  it('dry-run says what the lookup loads; validate points into from: with did-you-mean', async () => {
    const dry = await cli(['dry-run', 'pipeline.yml'], { cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('transform[0] lookup: lookup loads data/customers.csv (csv) into memory, key customer_id=id');
    await write(dir, 'bad.yml', (await pipeline()).replace('      path: data/customers.csv', '      pth: data/customers.csv'));
    const bad = await cli(['validate', 'bad.yml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yml:15:7: error: unknown key `pth` in `from` of transform[0] (lookup), did you mean `path`?');
  });

  it('on_missing: fail exits 3; a duplicate lookup key exits 3 naming both lines', async () => {
    await write(dir, 'fail.yml', (await pipeline()).replace('on_missing: reject', 'on_missing: fail'));
    const fail = await cli(['run', 'fail.yml'], { cwd: dir });
    expect(fail.code).toBe(3);
    expect(fail.stderr).toContain('no customers.csv row for customer_id=42 (data/orders.csv:5)');
    await write(dir, 'data/dup.csv', 'id,name,country,segment\n1,Ada,GB,smb\n2,Grace,US,smb\n1,Ada again,GB,smb\n');
    await write(dir, 'dup.yml', (await pipeline()).replace('data/customers.csv', 'data/dup.csv'));
    const dup = await cli(['run', 'dup.yml'], { cwd: dir });
    expect(dup.code).toBe(3);
    expect(dup.stderr).toContain('the lookup source dup.csv has two rows with id=1 (data/dup.csv:2 and data/dup.csv:4)');
  });

  it('joins to a sqlite table through a connection (text ids match integer keys)', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dir, 'crm.db'));
    db.exec(`CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, credit NUMERIC);
      INSERT INTO customers VALUES ('1', 'Ada', 100), ('2', 'Grace', 250), ('3', 'Alan', 0), ('5', 'Barbara', 75), ('42', 'Newcomer', 5);`);
    db.close();
    await write(dir, 'sqlite.yml', `version: 1
name: orders_crm
connections:
  crm: { type: sqlite, path: crm.db }
extract: { type: csv, path: data/orders.csv }
transform:
  - type: lookup
    from: { type: sqlite, connection: crm, table: customers }
    on: { customer_id: id }
    fields: { customer_name: name }
    on_missing: fail
load: { type: ndjson, path: out/crm.ndjson }
`);
    const r = await cli(['run', 'sqlite.yml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const rows = (await readFile(join(dir, 'out', 'crm.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => `${String(x['order_id'])}:${String(x['customer_name'])}`)).toEqual(['1001:Ada', '1002:Grace', '1003:Alan', '1004:Newcomer', '1005:Barbara', '1006:Ada']);
    // `etl-cli test` swaps the extract and the load, and keeps the lookup's connection
    await write(dir, 'sqlite.test.yml', `cases:
  - name: known and unknown customers
    input: [{ order_id: 1, customer_id: 2 }, { order_id: 2, customer_id: 77 }]
    error: no customers row for customer_id=77
  - name: a known customer
    input: [{ order_id: 1, customer_id: 42 }]
    output: [{ order_id: 1, customer_id: 42, customer_name: Newcomer }]
`);
    const t = await cli(['test', 'sqlite.test.yml'], { cwd: dir });
    expect(t.code, t.stdout + t.stderr).toBe(0);
    expect(t.stdout).toContain('2 passed, 0 failed');
  });
});
