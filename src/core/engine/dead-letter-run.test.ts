import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDriver } from '../../connectors/sqlite/driver.js';
import { createRegistry } from '../../registry.js';
import { loadPipelineText } from '../config/index.js';
import { DataQualityError } from '../errors.js';
import { checkPipeline, dryRunPipeline, runPipeline } from './index.js';
import type { RunFailure } from './index.js';

const registry = createRegistry();
const TOKEN = 'tok_N0t-In-The-Table-42';
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'etl-dl-run-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const events = () => {};
const signal = new AbortController().signal;

function yaml(errors: string, connections = '  db: { type: sqlite, path: wh.db }'): string {
  return `version: 1
name: orders
connections:
${connections}
extract: { type: csv, path: in.csv }
transform:
  - { type: filter, where: "name != '\${env:SEC_TOKEN}'" }
  - { type: validate, rules: [{ not_null: [email] }], on_fail: reject }
load: { type: sqlite, connection: db, table: orders }
errors: ${errors}
`;
}

async function load(text: string) {
  const file = join(dir, 'p.yml');
  writeFileSync(file, text);
  return loadPipelineText(text, file, { registry, environment: { SEC_TOKEN: TOKEN } });
}

async function plan(text: string) {
  const r = await load(text);
  expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
  return r.plan!;
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = (await loadDriver())(join(dir, 'wh.db'), {});
  try {
    return db.prepare(sql).all([]);
  } finally {
    db.close();
  }
}

const CSV = `id,name,email\n1,ann,a@x.org\n2,bob,\n3,cy,c@x.org,${TOKEN}\n4,dee,d@x.org\n`;

describe('errors.dead_letter: { connection, table } (sqlite, real engine)', () => {
  it('the rejects land in the table of the sink\'s own database, each with reason, position, record and run id', async () => {
    writeFileSync(join(dir, 'in.csv'), CSV);
    const p = await plan(yaml('{ dead_letter: { connection: db, table: etl_rejects } }'));
    const report = await runPipeline(p, { signal, events });
    expect(report).toMatchObject({ status: 'ok', rows_written: 2, rows_rejected: 2, dead_letter: 'table etl_rejects (connection db)' });
    const rows = await query('SELECT * FROM etl_rejects ORDER BY seq');
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r['run_id'] === report.run_id && r['pipeline'] === 'orders')).toBe(true);
    const ragged = rows.find((r) => String(r['position']) === 'in.csv:4')!;
    expect(ragged['stage']).toBe('extract csv');
    expect(String(ragged['reason'])).toMatch(/fields/);
    const rule = rows.find((r) => r['rule'] !== null)!;
    expect(rule).toMatchObject({ column_name: 'email', position: 'in.csv:3' });
    expect(JSON.parse(String(rule['record']))).toMatchObject({ id: 2, name: 'bob' });
    // the secret in the ragged line's raw text never reaches the table
    const all = JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(all).not.toContain(TOKEN);
    expect(String(ragged['record'])).toContain('***');
  });

  it('max_rejects exceeded: exit 3, the sink rolled back, the rejects stay in the table', async () => {
    writeFileSync(join(dir, 'in.csv'), CSV);
    const p = await plan(yaml('{ dead_letter: { connection: db, table: audit_rejects }, max_rejects: 1 }'));
    const err = await runPipeline(p, { signal, events }).then(() => undefined, (e: unknown) => e as RunFailure);
    expect(err).toBeInstanceOf(DataQualityError);
    expect(err!.hint).toContain('see table audit_rejects (connection db) for the reasons');
    expect(err!.report?.dead_letter).toBe('table audit_rejects (connection db)');
    expect((await query("SELECT count(*) AS n FROM sqlite_master WHERE name = 'orders'"))[0]!['n']).toBe(0n);
    const rows = await query('SELECT run_id, reason FROM audit_rejects');
    expect(rows.length).toBe(2);
    expect(rows[0]!['run_id']).toBe(err!.report!.run_id);
  });

  it('dry-run says where rejects would go and creates nothing', async () => {
    writeFileSync(join(dir, 'in.csv'), CSV);
    const p = await plan(yaml('{ dead_letter: { connection: db, table: etl_rejects } }'));
    const report = await dryRunPipeline(p, { signal, events });
    expect(report.dead_letter).toBe('table etl_rejects (connection db)');
    expect(report.rows_rejected).toBe(2);
    expect(existsSync(join(dir, 'wh.db'))).toBe(false);
  });

  it('validate: unknown connection (did you mean), a connector without dead-letter tables, a missing table', async () => {
    const missing = await load(yaml('{ dead_letter: { connection: dv, table: t } }'));
    expect(missing.issues).toContainEqual(expect.objectContaining({ code: 'E_CONNECTION_MISSING', path: '/errors/dead_letter/connection', message: expect.stringContaining('did you mean `db`') }));
    const oracle = await load(yaml('{ dead_letter: { connection: ora, table: t } }', '  db: { type: sqlite, path: wh.db }\n  ora: { type: oracle, user: u, password: p, connect_string: "h:1521/x" }'));
    const unsupported = oracle.issues.find((i) => i.code === 'E_DEAD_LETTER_UNSUPPORTED');
    expect(unsupported?.message).toBe('connection `ora` (oracle) cannot hold a dead-letter table; did you mean `db`?');
    expect(unsupported?.hint).toContain('postgres, sqlite, mysql');
    const noTable = await load(yaml('{ dead_letter: { connection: db } }'));
    expect(noTable.issues.some((i) => i.severity === 'error' && i.path.startsWith('/errors/dead_letter'))).toBe(true);
    expect(noTable.plan).toBeUndefined();
  });

  it('validate --connections opens the dead-letter table\'s connection too', async () => {
    writeFileSync(join(dir, 'in.csv'), CSV);
    const p = await plan(yaml('{ dead_letter: { connection: dl, table: t } }', '  db: { type: sqlite, path: wh.db }\n  dl: { type: sqlite, path: no/such/dir/dl.db }'));
    const issues = await checkPipeline(p, { signal });
    expect(issues).toContainEqual(expect.objectContaining({ code: 'E_SQLITE_NO_DIR', path: '/connections/dl/path' }));
  });

  it('every connector that declares dead_letter_table implements deadLetterStore', async () => {
    const able = registry.connectors.filter((c) => c.dead_letter_table);
    expect(able.map((c) => c.name).sort()).toEqual(['mysql', 'postgres', 'sqlite']);
    for (const c of able) expect(typeof (await c.load()).deadLetterStore, c.name).toBe('function');
  });
});
