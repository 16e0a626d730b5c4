import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exec } from '../../connectors/sqlite/test-helpers.js';
import { loadPipelineText } from '../../core/config/index.js';
import { checkPipeline, dryRunPipeline, runPipeline } from '../../core/engine/index.js';
import type { EtlEvent } from '../../core/events.js';
import { composePipelineSchema } from '../../core/schema/index.js';
import { createRegistry } from '../../registry.js';
import { createTestContext, type TestContext } from '../../testing/context.js';

const registry = createRegistry();
let ctx: TestContext;
afterEach(() => ctx?.cleanup());

function setup(): string {
  ctx = createTestContext();
  mkdirSync(join(ctx.dir, 'data'));
  writeFileSync(join(ctx.dir, 'data', 'orders.csv'), 'order_id,customer_id,amount\n1,2,10.50\n2,1,3.00\n3,42,7.25\n');
  writeFileSync(join(ctx.dir, 'data', 'customers.csv'), 'id,name,country\n1,Ada,UK\n2,Linus,FI\n3,"broken\n');
  return ctx.dir;
}

const load = (dir: string, yaml: string) => loadPipelineText(yaml, join(dir, 'p.yml'), { registry, environment: {} });

const pipeline = (step: string, extra = '') => `version: 1
name: lookup_test
${extra}extract: { type: csv, path: data/orders.csv }
transform:
${step}
load: { type: ndjson, path: out/orders.ndjson }
errors: { dead_letter: out/rejects.ndjson }
`;

const csvStep = `  - type: lookup
    from:
      type: csv
      path: data/customers.csv
    on: { customer_id: id }
    fields: { customer_name: name }
    on_missing: reject`;

const readNdjson = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('lookup in a pipeline (real registry and engine)', () => {
  it('the schema puts the source union under from: (no incremental, no streams)', () => {
    type Json = Record<string, any>;
    const schema = composePipelineSchema(registry) as Json;
    const step = (schema['properties']['transform']['items']['oneOf'] as Json[]).find((b) => b['properties']['type']['const'] === 'lookup')!;
    const from = step['properties']['from'];
    const types = (u: Json) => (u['oneOf'] as Json[]).map((b) => b['properties']['type']['const']);
    expect(types(from)).toEqual(types(schema['properties']['extract']));
    const pgBranch = (from['oneOf'] as Json[]).find((b) => b['properties']['type']['const'] === 'postgres')!;
    expect(Object.keys(pgBranch['properties'])).toEqual(expect.arrayContaining(['connection', 'table', 'query', 'batch_size']));
    expect(pgBranch['properties']['incremental']).toBeUndefined();
    expect(pgBranch['properties']['streams']).toBeUndefined();
  });

  it('validate: a misspelt key inside from: gets did-you-mean at file:line:col', async () => {
    const dir = setup();
    const r = await load(dir, pipeline(csvStep.replace('path: data', 'pth: data')));
    expect(r.issues.map((i) => [i.code, i.message, `${i.location?.line}:${i.location?.col}`])).toEqual([
      ['E_UNKNOWN_KEY', 'unknown key `pth` in `from` of transform[0] (lookup), did you mean `path`?', '8:7'],
    ]);
  });

  it('validate: an unknown connector, a missing connection and `incremental` in from: are reported', async () => {
    const dir = setup();
    const typo = await load(dir, pipeline(csvStep.replace('type: csv', 'type: csvv')));
    expect(typo.issues.map((i) => i.message)).toEqual(['unknown connector `csvv`, did you mean `csv`?']);
    const conn = await load(dir, pipeline(`  - type: lookup
    from: { type: sqlite, connection: crm, table: customers }
    on: [id]`, 'connections: { shop: { type: sqlite, path: shop.db } }\n'));
    expect(conn.issues.map((i) => [i.code, i.message, i.location?.line])).toEqual([
      ['E_CONNECTION_MISSING', 'connection `crm` used by `from` of transform[0] (lookup) is not defined', 7],
    ]);
    const inc = await load(dir, pipeline(`  - type: lookup
    from: { type: sqlite, path: a.db, table: t, incremental: { column: id } }
    on: [id]`));
    expect(inc.issues.map((i) => i.code)).toEqual(['E_UNKNOWN_KEY']);
  });

  it('lint: an added field named like a row key column is caught before any data', async () => {
    const dir = setup();
    const r = await load(dir, pipeline(`  - type: lookup
    from: { type: csv, path: data/customers.csv }
    on: [id]
    fields: [id, name]`));
    expect(r.issues.map((i) => [i.code, i.path, i.hint])).toEqual([['E_LOOKUP_COLUMN_EXISTS', '/transform/0/fields/0', 'rename the added column: fields: { id_lookup: id }']]);
  });

  it('the plan resolves from: like an extract (connection, defaults, the step label)', async () => {
    const dir = setup();
    const r = await load(dir, pipeline(`  - type: lookup
    name: crm
    from: { type: sqlite, connection: shop, table: customers }
    on: [id]`, 'connections: { shop: { type: sqlite, path: shop.db } }\n'));
    const step = r.plan!.transforms[0]!;
    expect(step.sources!['from']!).toMatchObject({ path: '/transform/0/from', label: 'transform[0] lookup crm', batch_size: 2000, connection: { name: 'shop', type: 'sqlite' } });
    expect(step.sources!['from']!.definition.name).toBe('sqlite');
  });

  it('runs with a csv lookup: joined rows, a missing key rejected, lookup rejects under the step label', async () => {
    const dir = setup();
    const r = await load(dir, pipeline(csvStep));
    const events: EtlEvent[] = [];
    const report = await runPipeline(r.plan!, { signal: new AbortController().signal, events: (e) => events.push(e) });
    expect(readNdjson(join(dir, 'out', 'orders.ndjson'))).toEqual([
      { order_id: 1, customer_id: 2, amount: 10.5, customer_name: 'Linus' },
      { order_id: 2, customer_id: 1, amount: 3, customer_name: 'Ada' },
    ]);
    const rejects = readNdjson(join(dir, 'out', 'rejects.ndjson'));
    expect(rejects.map((x) => [x['stage'], x['reason'], x['position']])).toEqual([
      ['transform[0] lookup', 'unterminated quoted field', 'data/customers.csv:4'],
      ['transform[0] lookup', 'no customers.csv row for customer_id=42', 'data/orders.csv:4'],
    ]);
    expect(report.stages.find((s) => s.stage === 'transform[0] lookup')?.rows_out).toBe(2);
    expect(events).toContainEqual({ type: 'info', stage: 'transform[0] lookup', message: 'lookup loaded 2 rows from customers.csv: 2 keys' });
  });

  it('runs with a sqlite lookup table through a connection, keys matched across types', async () => {
    const dir = setup();
    await exec(join(dir, 'shop.db'), `CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, tier INTEGER);
      INSERT INTO customers VALUES ('1', 'Ada', 3), ('2', 'Linus', 1), ('42', 'Grace', 2);`);
    const r = await load(dir, pipeline(`  - type: lookup
    from: { type: sqlite, connection: shop, query: "SELECT id, name, tier FROM customers" }
    on: { customer_id: id }`, 'connections: { shop: { type: sqlite, path: shop.db } }\n'));
    expect(r.issues).toEqual([]);
    await runPipeline(r.plan!, { signal: new AbortController().signal, events: () => undefined });
    const rows = readNdjson(join(dir, 'out', 'orders.ndjson'));
    expect(rows.map((x) => [x['customer_id'], x['name'], x['tier']])).toEqual([[2, 'Linus', 1], [1, 'Ada', 3], [42, 'Grace', 2]]);
  });

  it('dry-run says what the lookup loads', async () => {
    const dir = setup();
    const r = await load(dir, pipeline(csvStep));
    const report = await dryRunPipeline(r.plan!, { signal: new AbortController().signal, events: () => undefined });
    expect(report.steps).toEqual([{ stage: 'transform[0] lookup', summary: 'lookup loads data/customers.csv (csv) into memory, key customer_id=id' }]);
    expect(report.schema.map((c) => `${c.name}:${c.type}`)).toEqual(['order_id:integer', 'customer_id:integer', 'amount:number', 'customer_name:string']);
  });

  it('validate --connections checks the lookup source too', async () => {
    const dir = setup();
    const r = await load(dir, pipeline(csvStep.replace('data/customers.csv', 'data/missing.csv')));
    const issues = await checkPipeline(r.plan!, { signal: new AbortController().signal });
    expect(issues.map((i) => [i.path, i.location?.line])).toEqual([['/transform/0/from/path', 6]]);
    expect(issues[0]!.message).toMatch(/missing\.csv/);
  });

  it('secret options of the nested source are registered, so they are redacted', async () => {
    const dir = setup();
    const r = await load(dir, pipeline(`  - type: lookup
    from: { type: rest, connection: api, path: customers, auth: { type: api_key, name: X-Key, value: literal-key-77aa } }
    on: { customer_id: id }`, 'connections: { api: { type: rest, base_url: "http://127.0.0.1:9/v1" } }\n'));
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.secrets.redact('key literal-key-77aa')).toBe('key ***');
  });
});
