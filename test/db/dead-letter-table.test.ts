import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDatabaseUrl } from './database.js';
import { assertBuilt, runCli, tempDir, write, type RunResult } from '../helpers/cli.js';
import { pgQuery } from '../helpers/targets.js';
import { deadLetterPipeline } from '../helpers/dead-letter.js';
import { postgresDeadLetterStore } from '../../src/connectors/postgres/dead-letter-store.js';
import type { DeadLetterRow } from '../../src/core/engine/dead-letter-target.js';
import { DEFAULT_RETRY_POLICY } from '../../src/core/engine/retry-policy.js';

/**
 * `errors.dead_letter: { connection, table }` on PostgreSQL, through the built CLI: the rejects
 * of a run land in the table (also when the run fails), secrets never do, and `replay --run-id`
 * sends a run's rows back to the sink.
 */
const PASSWORD = 'Dl/S3cr3t:@p-5z'; // needs URL encoding
const TOKEN = 'tok_DeadLetter-L34k-77';
const ROLE = `dl_role_${process.pid}`;
const SCHEMA = `dl_${process.pid}`;
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), TOKEN];

let url: string;
let dir: string;
const env: Record<string, string> = {};

interface Reject { run_id: string; pipeline: string; seq: number; stage: string; reason: string; rule: string | null; column_name: string | null; position: string | null; record: unknown; rejected_at: Date }

const CSV = [
  'id,name,email',
  '1,ann,a@x.org',
  '2,bob,', // not_null(email)
  `3,${TOKEN},c@x.org`, // expr rule: the reason and the rule name hold the secret
  `4,cy,c@x.org,${TOKEN}`, // ragged: the raw line holds the secret
  '5,dee,d@x.org',
  '6,eve,', // not_null(email)
].join('\n') + '\n';

function pipeline(name: string, maxRejects?: number): string {
  return deadLetterPipeline({
    name, connection: ['warehouse', '{ type: postgres, url: "${env:DL_PG_URL}" }'], tokenEnv: 'DL_TOKEN',
    load: `{ type: postgres, connection: warehouse, table: ${SCHEMA}.orders, mode: append }`, table: `${SCHEMA}.etl_rejects`,
    ...(maxRejects === undefined ? {} : { maxRejects }),
  });
}

async function cli(args: string[]): Promise<RunResult> {
  return runCli(args, { cwd: dir, env, timeoutMs: 60_000 });
}

async function rejects(run_id: string): Promise<Reject[]> {
  return pgQuery<Reject>(url, `SELECT * FROM ${SCHEMA}.etl_rejects WHERE run_id = $1 ORDER BY stage, seq`, [run_id]);
}

async function runId(report: string): Promise<string> {
  return (JSON.parse(await readFile(join(dir, report), 'utf8')) as { run_id: string }).run_id;
}

beforeAll(async () => {
  assertBuilt();
  url = requireDatabaseUrl();
  await pgQuery(url, `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pgQuery(url, `DROP ROLE IF EXISTS ${ROLE}`).catch(() => {});
  await pgQuery(url, `CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
  await pgQuery(url, `CREATE SCHEMA ${SCHEMA} AUTHORIZATION ${ROLE}`);
  const own = new URL(url);
  own.username = ROLE;
  own.password = encodeURIComponent(PASSWORD);
  Object.assign(env, { DL_PG_URL: own.toString(), DL_TOKEN: TOKEN });
  dir = await tempDir('etl-dl-table-');
  await write(dir, 'in.csv', CSV);
  await write(dir, 'p.yml', pipeline('dl_orders'));
  await write(dir, 'strict.yml', pipeline('dl_strict', 1));
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await pgQuery(url, `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => {});
  await pgQuery(url, `DROP ROLE IF EXISTS ${ROLE}`).catch(() => {});
});

describe('dead-letter table on PostgreSQL (built CLI)', () => {
  it('dry-run says where rejects would go and creates nothing', async () => {
    const r = await cli(['dry-run', 'p.yml', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`would reject 4 rows to table ${SCHEMA}.etl_rejects (connection warehouse)`);
    expect(await pgQuery(url, 'SELECT to_regclass($1) AS t', [`${SCHEMA}.etl_rejects`])).toEqual([{ t: null }]);
  });

  it('run: every reject is a row with reason, rule, position, record and run id; no secret reaches the table', async () => {
    const r = await cli(['run', 'p.yml', '--no-progress', '--report', 'run1.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`dead letter: table ${SCHEMA}.etl_rejects (connection warehouse) (4 rows)`);
    const id = await runId('run1.json');
    const rows = await rejects(id);
    expect(rows).toHaveLength(4);
    expect(rows.every((x) => x.pipeline === 'dl_orders' && x.rejected_at instanceof Date)).toBe(true);
    const bob = rows.find((x) => x.position === 'in.csv:3')!;
    expect(bob).toMatchObject({ reason: 'rule not_null(email): email is null', rule: 'not_null(email)', column_name: 'email' });
    expect(bob.record).toEqual({ id: 2, name: 'bob', email: null });
    const ragged = rows.find((x) => x.position === 'in.csv:5')!;
    expect(ragged.stage).toBe('extract csv');
    expect(typeof ragged.record).toBe('string'); // the raw line, as a JSON string
    const secret = rows.find((x) => x.position === 'in.csv:4')!;
    expect(secret.reason).toContain('***');
    const dump = JSON.stringify(await pgQuery(url, `SELECT t::text AS row FROM ${SCHEMA}.etl_rejects t`));
    for (const s of SECRETS) expect(dump.includes(s), `secret ${s} in the dead-letter table`).toBe(false);
    for (const s of SECRETS) expect(`${r.stdout}${r.stderr}`.includes(s)).toBe(false);
  });

  it('a failed run (max_rejects exceeded, exit 3) rolls the sink back but leaves its rejects in the table', async () => {
    const before = await pgQuery<{ n: string }>(url, `SELECT count(*) AS n FROM ${SCHEMA}.orders`);
    const r = await cli(['run', 'strict.yml', '--no-progress', '--report', 'strict.json']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`see table ${SCHEMA}.etl_rejects (connection warehouse) for the reasons`);
    const rows = await rejects(await runId('strict.json'));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((x) => x.pipeline === 'dl_strict' && x.reason.length > 0)).toBe(true);
    expect(await pgQuery(url, `SELECT count(*) AS n FROM ${SCHEMA}.orders`)).toEqual(before);
  });

  it('replay --run-id sends that run\'s rows (not raw lines) back to the sink', async () => {
    const id = await runId('run1.json');
    const before = Number((await pgQuery<{ n: string }>(url, `SELECT count(*) AS n FROM ${SCHEMA}.orders`))[0]!.n);
    const r = await cli(['replay', '--pipeline', 'p.yml', '--run-id', id, '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`replayed 3 rows from table ${SCHEMA}.etl_rejects (connection warehouse), run ${id}`);
    expect(r.stderr).toContain('1 dead-letter line(s) hold raw text');
    const after = Number((await pgQuery<{ n: string }>(url, `SELECT count(*) AS n FROM ${SCHEMA}.orders`))[0]!.n);
    expect(after).toBe(before + 3);
    const missing = await cli(['replay', '--pipeline', 'p.yml', '--run-id', 'no-such-run', '--no-progress']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no rejected rows in table ${SCHEMA}.etl_rejects (connection warehouse), run no-such-run`);
    const noId = await cli(['replay', '--pipeline', 'p.yml', '--no-progress']);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('replay needs --run-id');
  });

  it('the store: quoted schema-qualified names, keyset pages over (stage, seq), delete of one run, [] without a table', async () => {
    const store = await postgresDeadLetterStore({ url }, {
      signal: new AbortController().signal, table: `${SCHEMA}."odd ""name"""`, retry: DEFAULT_RETRY_POLICY,
      pipeline: { name: 'p', run_id: 'r1', dir, started_at: new Date().toISOString(), vars: {} },
    });
    try {
      expect(await store.read('p', 'r1', undefined, 10)).toEqual([]);
      expect(await store.delete('p', 'r1')).toBe(0);
      const row = (stage: string, seq: number, run_id = 'r1'): DeadLetterRow => ({
        run_id, pipeline: 'p', seq, rejected_at: '2024-05-01T10:00:00.123Z', stage, reason: `r${seq}`, rule: null, column_name: null, position: null, record: `{"id":${seq}}`,
      });
      await store.insert([row('load', 1), row('extract', 2), row('extract', 3)], { final: false });
      await store.insert([row('load', 4), row('extract', 5, 'r2')], { final: true });
      const first = await store.read('p', 'r1', undefined, 2);
      const next = await store.read('p', 'r1', { stage: first[1]!.stage, seq: first[1]!.seq }, 2);
      expect([...first, ...next].map((r) => `${r.stage}:${r.seq}`)).toEqual(['extract:2', 'extract:3', 'load:1', 'load:4']);
      expect(first[0]).toMatchObject({ record: '{"id": 2}', rejected_at: '2024-05-01T10:00:00.123Z', rule: null });
      expect(await pgQuery(url, `SELECT count(*)::int AS n FROM ${SCHEMA}."odd ""name"""`)).toEqual([{ n: 5 }]);
      expect(await store.delete('p', 'r1')).toBe(4);
      expect(await store.read('p', 'r2', undefined, 10)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
