import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Issue } from '../issues.js';
import { loadPipeline, loadPipelineText } from './index.js';
import { testRegistry } from './fixture-registry.test.js';

const registry = testRegistry();
const opts = { registry, environment: {} };

function at(issues: readonly Issue[], code: string): string[] {
  return issues.filter((i) => i.code === code).map((i) => `${i.location?.line}:${i.location?.col} ${i.message}`);
}

const MESSY = `version: 1
name: orders
extract:
  type: cvs
  path: data.csv
transform:
  - type: filter
    where: amount > 0
  - type: renam
load:
  - type: csv
    path: out.csv
    batchSize: 10
    mode: upsret
  - type: postgres
    connection: lite
    table: t
    mode: upsert
connections:
  lite: { type: sqlite, path: a.db }
errors: { max_rejects: lots }
retry: { attempts: 0 }
`;

describe('loadPipelineText: every mistake at once', () => {
  it('reports one issue per mistake with its line:col and no plan', async () => {
    const r = await loadPipelineText(MESSY, '/p/orders.yml', opts);
    expect(r.plan).toBeUndefined();
    expect(at(r.issues, 'E_UNKNOWN_CONNECTOR')).toEqual(['4:9 unknown connector `cvs`, did you mean `csv`?']);
    expect(at(r.issues, 'E_UNKNOWN_TRANSFORM')).toEqual(['9:11 unknown transform `renam`, did you mean `rename`?']);
    expect(at(r.issues, 'E_UNKNOWN_KEY')).toEqual(['13:5 unknown key `batchSize` in load[0] (csv), did you mean `batch_size`?']);
    expect(at(r.issues, 'E_ENUM')).toEqual([
      '14:11 `upsret` is not a valid mode for csv, did you mean `upsert`? csv does not support it (allowed: append, overwrite)',
    ]);
    expect(at(r.issues, 'E_CONNECTION_TYPE')).toEqual(['16:17 load[1] (postgres) uses connection `lite` of type sqlite']);
    expect(at(r.issues, 'E_UPSERT_KEY')).toEqual(['18:11 load[1] (postgres) uses mode `upsert` but has no `key`']);
    expect(at(r.issues, 'E_TYPE')).toEqual(['21:24 `errors.max_rejects` must be an integer ≥ 0 or a percentage like "1%" (got `lots`)']);
    expect(at(r.issues, 'E_RANGE')).toEqual(['22:20 `retry.attempts` must be ≥ 1']);
    expect(r.issues).toHaveLength(8);
    expect(r.issues.every((i) => i.location?.file === '/p/orders.yml' && i.severity === 'error')).toBe(true);
    // sorted by position
    const lines = r.issues.map((i) => i.location!.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('suggests an allowed enum value and lists hints for unknown types', async () => {
    const text = 'version: 1\nname: x\nextract: { type: csv, path: a.csv }\nload: { type: postgres, connection: c, table: t, mode: apend }\n'
      + 'connections: { c: { type: postgres, url: "postgres://h/db" } }\n';
    const r = await loadPipelineText(text, '/p/x.yml', opts);
    expect(r.issues.map((i) => i.message)).toEqual(['`apend` is not a valid mode for postgres, did you mean `append`? (allowed: append, overwrite, upsert)']);
    const unknown = await loadPipelineText('version: 1\nname: x\nextract: { type: zzz }\nload: { type: csv, path: o }\n', '/p/x.yml', opts);
    expect(unknown.issues[0]?.message).toBe('unknown connector `zzz`');
    expect(unknown.issues[0]?.hint).toBe('connectors available here: csv, postgres');
  });

  it('points a missing required key at the parent key and a missing connection at its value', async () => {
    const text = 'version: 1\nname: x\nextract:\n  type: csv\nload:\n  type: postgres\n  connection: wh\n  table: t\n';
    const r = await loadPipelineText(text, '/p/x.yml', opts);
    expect(at(r.issues, 'E_REQUIRED')).toEqual(['3:1 missing required key `path` in extract (csv)']);
    expect(at(r.issues, 'E_CONNECTION_MISSING')).toEqual(['7:15 connection `wh` used by load (postgres) is not defined']);
  });

  it('says which keys of the pipeline itself are missing or unknown', async () => {
    const r = await loadPipelineText('name: bad name!\nextrct: {}\n', '/p/x.yml', opts);
    const messages = r.issues.map((i) => i.message);
    expect(messages).toContain('missing required key `version` in the pipeline');
    // a misspelt required key is one mistake: the did-you-mean line, not also "missing `extract`"
    expect(messages).not.toContain('missing required key `extract` in the pipeline');
    expect(messages).toContain('unknown key `extrct` in the pipeline, did you mean `extract`?');
    expect(messages).toContain('missing required key `load` in the pipeline');
    expect(messages).toContain('`name` may contain only letters, digits, `_`, `.` and `-`');
  });

  it('rejects incremental on a source that cannot do it, once', async () => {
    const text = 'version: 1\nname: x\nextract:\n  type: csv\n  path: a.csv\n  incremental: { column: id }\nload: { type: csv, path: o.csv }\n';
    const r = await loadPipelineText(text, '/p/x.yml', opts);
    expect(at(r.issues, 'E_INCREMENTAL_UNSUPPORTED')).toEqual(['6:3 extract (csv) does not support `incremental`']);
    expect(r.issues).toHaveLength(1);
  });

  it('runs connector lint rules and keeps secrets out of every message', async () => {
    const text = `version: 1
name: x
connections:
  wh: { type: postgres, url: "postgres://etl:Sup3rSecret@db/x", password: "\${env:PGPASS}" }
extract: { type: postgres, connection: wh }
load: { type: postgres, connection: wh, table: t, mode: "\${env:MODE}" }
`;
    const r = await loadPipelineText(text, '/p/x.yml', { registry, environment: { PGPASS: 'pa55word', MODE: 'zz-private-mode' } });
    expect(at(r.issues, 'E_PG_SOURCE')).toEqual(['5:1 extract (postgres) needs `query` or `table`']);
    expect(r.issues.some((i) => i.code === 'E_ENUM' && i.message.startsWith('`***` is not a valid mode'))).toBe(true);
    const all = JSON.stringify(r.issues);
    for (const secret of ['Sup3rSecret', 'pa55word', 'zz-private-mode']) expect(all).not.toContain(secret);
    expect(r.secrets.redact('x Sup3rSecret pa55word zz-private-mode')).toBe('x *** *** ***');
  });
});

describe('loadPipelineText: the Plan', () => {
  const GOOD = `version: 1
name: orders
vars: { since: "2024-01-01" }
connections:
  wh: { type: postgres, url: "postgres://h/db" }
extract:
  type: postgres
  connection: wh
  table: orders
  incremental: { column: updated_at, initial: "\${var:since}" }
transform:
  - { type: filter, where: "amount > 0" }
  - { type: rename, name: tidy, columns: { a: b } }
load:
  - { type: postgres, connection: wh, table: out, mode: upsert, key: [id] }
  - { type: csv, path: out.csv }
errors: { dead_letter: "rejects/{pipeline}-{date}.ndjson", max_rejects: "0.5%" }
retry: { attempts: 3 }
`;

  it('compiles with defaults applied, parsed policies and frozen objects', async () => {
    const r = await loadPipelineText(GOOD, '/p/orders.yml', opts);
    expect(r.issues).toEqual([]);
    const plan = r.plan!;
    expect(plan.file).toBe('/p/orders.yml');
    expect(plan.dir).toBe('/p');
    expect(plan.connections['wh']).toMatchObject({ name: 'wh', type: 'postgres', options: { url: 'postgres://h/db', pool_size: 4 } });
    expect(plan.extract.label).toBe('extract postgres');
    expect(plan.extract.batch_size).toBe(2000);
    expect(plan.extract.options).toEqual({ table: 'orders', fetch_size: 1000 });
    expect(plan.extract.connection?.name).toBe('wh');
    expect(plan.extract.incremental).toEqual({ column: 'updated_at', initial: '2024-01-01' });
    expect(plan.extract.location).toEqual({ file: '/p/orders.yml', line: 6, col: 1 });
    expect(plan.transforms.map((t) => t.label)).toEqual(['transform[0] filter', 'transform[1] rename tidy']);
    expect(plan.transforms[1]?.options).toEqual({ columns: { a: 'b' }, strict: false });
    expect(plan.loads.map((l) => [l.label, l.mode])).toEqual([['load[0] postgres', 'upsert'], ['load[1] csv', 'overwrite']]);
    expect(plan.loads[0]?.options).toEqual({ table: 'out', mode: 'upsert', key: ['id'], create_table: true });
    expect(plan.loads[1]?.options).toEqual({ path: 'out.csv', batch_size: 500, mode: 'overwrite' });
    expect(plan.errors).toEqual({ dead_letter: '/p/rejects/{pipeline}-{date}.ndjson', max_rejects: { fraction: 0.005 } });
    expect(plan.retry).toEqual({ attempts: 3, initial_secs: 0.5, max_secs: 30, jitter: 0.2 });
    expect(plan.state).toEqual({ dir: '/p/.etl-cli' });
    expect(plan.vars).toEqual({ since: '2024-01-01' });
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.loads[0]?.options)).toBe(true);
    expect(Object.isFrozen(plan.extract.definition)).toBe(false);
  });

  it('parses an absolute max_rejects and uses cwd for <copy> text', async () => {
    const text = 'version: 1\nname: copy\nextract: { type: csv, path: in.csv }\nload: { type: csv, path: out.csv, mode: append }\nerrors: { max_rejects: 10 }\n';
    const r = await loadPipelineText(text, '<copy>', { ...opts, cwd: '/work/here' });
    expect(r.plan?.errors.max_rejects).toEqual({ count: 10 });
    expect(r.plan?.file).toBe('<copy>');
    expect(r.plan?.dir).toBe('/work/here');
    expect(r.plan?.loads[0]?.mode).toBe('append');
    expect(r.plan?.state.dir).toBe('/work/here/.etl-cli');
  });
});

describe('loadPipeline: files', () => {
  it('reads a file from disk and resolves its dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-load-'));
    writeFileSync(join(dir, 'p.yml'), 'version: 1\nname: p\nextract: { type: csv, path: a.csv }\nload: { type: csv, path: b.csv }\n');
    const r = await loadPipeline(join(dir, 'p.yml'), opts);
    expect(r.issues).toEqual([]);
    expect(r.plan?.dir).toBe(dir);
  });

  it('turns a missing file into an issue', async () => {
    const r = await loadPipeline('/nonexistent/dir/p.yml', opts);
    expect(r.plan).toBeUndefined();
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]?.message).toBe('no such file: /nonexistent/dir/p.yml');
    expect(r.issues[0]?.location).toEqual({ file: '/nonexistent/dir/p.yml', line: 1, col: 1 });
  });
});

describe('lint: connections and duplicate checks', () => {
  it('asks for a connection where the connector needs one, and reports upsert without key once', async () => {
    const text = 'version: 1\nname: x\nextract: { type: postgres, table: t }\nload:\n  type: postgres\n  connection: wh\n  table: t\n  mode: upsert\nconnections: { wh: { type: postgres, url: "postgres://h/d" } }\n';
    const dupRegistry = testRegistry();
    const pg = dupRegistry.connector('postgres')!;
    const lintingTwice = { ...pg, lint: (input: { role: string }) => (input.role === 'sink' ? [{ severity: 'error' as const, code: 'E_PG_UPSERT_KEY', message: 'upsert needs key', path: '/load/mode' }] : []) };
    const registry2 = { ...dupRegistry, connector: (n: string) => (n === 'postgres' ? lintingTwice : dupRegistry.connector(n)) };
    const r = await loadPipelineText(text, '/p/x.yml', { registry: registry2, environment: {} });
    expect(r.issues.map((i) => [i.severity, i.code, i.location?.line, i.location?.col])).toEqual([
      ['warning', 'E_CONNECTION_REQUIRED', 3, 1],
      ['error', 'E_UPSERT_KEY', 8, 9],
    ]);
    const lite = 'version: 1\nname: x\nextract: { type: csv, path: a.csv }\nload: { type: sqlite, table: t }\n';
    const r2 = await loadPipelineText(lite, '/p/x.yml', { registry: testRegistry(), environment: {} });
    expect(r2.issues.map((i) => [i.severity, i.message])).toEqual([['error', 'load (sqlite) has no `connection:`']]);
  });
});

describe('lint alongside schema errors', () => {
  it('still runs a stage lint when another key of the stage is wrong', async () => {
    const text = 'version: 1\nname: x\nconnections: { wh: { type: postgres, url: "postgres://h/d" } }\nextract:\n  type: postgres\n  connection: wh\n  fetch_size: 0\nload:\n  type: csv\n  path: o.csv\n  mode: upsert\n';
    const r = await loadPipelineText(text, '/p/x.yml', { registry: testRegistry(), environment: {} });
    expect(r.issues.map((i) => [i.code, i.location?.line])).toEqual([
      ['E_PG_SOURCE', 4],
      ['E_RANGE', 7],
      ['E_ENUM', 11],
    ]);
  });
});
