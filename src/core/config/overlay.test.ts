import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline, loadPipelineText } from './index.js';
import { testRegistry } from './fixture-registry.test.js';

const registry = testRegistry();

const BASE = `version: 1
name: orders
vars: { region: eu }
connections:
  wh: { type: postgres, url: "postgres://dev/db", pool_size: 2 }
extract: { type: postgres, connection: wh, table: "orders_\${var:region}" }
load:
  type: postgres
  connection: wh
  table: out
  mode: upsert
  key: [id, region]
environments:
  prod:
    connections:
      wh: { url: "postgres://prod/db" }
    load: { key: [id], table: prod_out }
  staging:
    vars: { region: us }
`;

describe('--env overlays', () => {
  it('merges the environments block: objects deep, arrays and scalars replaced', async () => {
    const r = await loadPipelineText(BASE, '/p/orders.yml', { registry, environment: {}, env: 'prod' });
    expect(r.issues).toEqual([]);
    expect(r.plan?.connections['wh']?.options).toEqual({ url: 'postgres://prod/db', pool_size: 2 });
    expect(r.plan?.loads[0]?.options).toMatchObject({ table: 'prod_out', key: ['id'], mode: 'upsert' });
    expect(r.plan?.loads[0]?.connection?.name).toBe('wh');
  });

  it('applies overlaid vars before interpolation', async () => {
    const r = await loadPipelineText(BASE, '/p/orders.yml', { registry, environment: {}, env: 'staging' });
    expect(r.plan?.extract.options['table']).toBe('orders_us');
    const cli = await loadPipelineText(BASE, '/p/orders.yml', { registry, environment: {}, env: 'staging', vars: { region: 'ap' } });
    expect(cli.plan?.extract.options['table']).toBe('orders_ap');
  });

  it('prefers <file>.<env>.yml and points its issues into that file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-overlay-'));
    writeFileSync(join(dir, 'orders.yml'), BASE);
    writeFileSync(join(dir, 'orders.prod.yml'), 'load:\n  table: from_file\n  mode: upsret\n');
    const r = await loadPipeline(join(dir, 'orders.yml'), { registry, environment: {}, env: 'prod' });
    expect(r.issues.map((i) => [i.code, i.location])).toEqual([
      ['E_ENUM', { file: join(dir, 'orders.prod.yml'), line: 3, col: 9 }],
    ]);
    writeFileSync(join(dir, 'orders.prod.yml'), 'load:\n  table: from_file\n');
    const ok = await loadPipeline(join(dir, 'orders.yml'), { registry, environment: {}, env: 'prod' });
    expect(ok.issues).toEqual([]);
    // the file wins over the block entirely: the block's key: [id] is not applied
    expect(ok.plan?.loads[0]?.options).toMatchObject({ table: 'from_file', key: ['id', 'region'] });
    expect(ok.plan?.loads[0]?.location?.file).toBe(join(dir, 'orders.yml'));
  });

  it('reports an unknown environment with the defined ones', async () => {
    const r = await loadPipelineText(BASE, '/p/orders.yml', { registry, environment: {}, env: 'prd' });
    expect(r.plan).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.message, i.location?.line])).toEqual([
      ['E_UNKNOWN_ENV', 'unknown environment `prd`, did you mean `prod`?', 13],
    ]);
    expect(r.issues[0]?.hint).toContain('environments defined: prod, staging');
  });
});

describe('--env positions from the environments block', () => {
  it('points an overlaid mistake at its line inside the block', async () => {
    const text = BASE.replace('    load: { key: [id], table: prod_out }', '    load: { key: [id], tabel: prod_out }');
    const r = await loadPipelineText(text, '/p/orders.yml', { registry, environment: {}, env: 'prod' });
    expect(r.issues.map((i) => [i.message, i.location?.line, i.location?.col])).toEqual([
      ['unknown key `tabel` in load (postgres), did you mean `table`?', 17, 24],
    ]);
  });
});
