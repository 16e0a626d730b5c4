import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mysql } from '../../src/connectors/mysql/index.js';
import type { DeadLetterRow } from '../../src/core/engine/dead-letter-target.js';
import { loadPipelineText } from '../../src/core/config/index.js';
import { runPipeline, type RunFailure } from '../../src/core/engine/index.js';
import { DEFAULT_RETRY_POLICY } from '../../src/core/engine/retry-policy.js';
import { createRegistry } from '../../src/registry.js';
import { deadLetterPipeline } from '../helpers/dead-letter.js';
import { requireMysqlUrl, sql, uniqueName } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'etl-mysql-dl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const events = () => {};
const TOKEN = 'tok_MySQL-Dead-Letter-9';

async function plan(yaml: string) {
  const file = join(dir, 'p.yml');
  writeFileSync(file, yaml);
  const result = await loadPipelineText(yaml, file, { registry: createRegistry(), environment: { MY_URL: requireMysqlUrl(), MY_TOKEN: TOKEN } });
  expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  return result.plan!;
}

function pipeline(name: string, dst: string, rejects: string, max?: number): string {
  return deadLetterPipeline({
    name, connection: ['db', '{ type: mysql, url: "${env:MY_URL}" }'], tokenEnv: 'MY_TOKEN',
    load: `{ type: mysql, connection: db, table: ${dst} }`, table: rejects, ...(max === undefined ? {} : { maxRejects: max }),
  });
}

describe('mysql dead-letter table (real engine)', () => {
  it('a run writes its rejects to the table with reason, position, record and run id; no secret reaches it', async () => {
    writeFileSync(join(dir, 'in.csv'), `id,name,email\n1,ann,a@x\n2,bob,\n3,${TOKEN},c@x\n4,dee,d@x,extra\n`);
    const rejects = uniqueName('etl_rejects');
    const report = await runPipeline(await plan(pipeline('my_dl', uniqueName('dst'), rejects)), { signal: new AbortController().signal, events });
    expect(report).toMatchObject({ status: 'ok', rows_written: 1, rows_rejected: 3, dead_letter: `table ${rejects} (connection db)` });
    const rows = await sql(`SELECT * FROM \`${rejects}\` WHERE run_id = ? ORDER BY stage, seq`, [report.run_id]);
    expect(rows).toHaveLength(3);
    const bob = rows.find((r) => r['position'] === 'in.csv:3')!;
    expect(bob).toMatchObject({ pipeline: 'my_dl', reason: 'rule not_null(email): email is null', rule: 'not_null(email)', column_name: 'email' });
    expect(JSON.parse(String(bob['record']))).toEqual({ id: 2, name: 'bob', email: null });
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
  });

  it('max_rejects exceeded: the sink rolls back, the rejects stay in the table', async () => {
    writeFileSync(join(dir, 'in.csv'), 'id,name,email\n1,ann,a@x\n2,bob,\n3,cy,\n');
    const dst = uniqueName('dst');
    const rejects = uniqueName('etl_rejects');
    const err = await runPipeline(await plan(pipeline('my_dl_strict', dst, rejects, 1)), { signal: new AbortController().signal, events })
      .then(() => undefined, (e: unknown) => e as RunFailure);
    expect(err?.report?.exit_code).toBe(3);
    const rows = await sql(`SELECT run_id FROM \`${rejects}\``);
    expect(rows).toHaveLength(2);
    expect(rows[0]!['run_id']).toBe(err!.report!.run_id);
    expect((await sql('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_NAME = ?', [dst]))[0]!['n']).toBe(0);
  });

  it('the store pages over (stage, seq), deletes one run, and reads [] without a table', async () => {
    const table = uniqueName('dl_store');
    const rt = await mysql.load();
    const store = await rt.deadLetterStore!({ url: requireMysqlUrl() }, {
      signal: new AbortController().signal, table, retry: DEFAULT_RETRY_POLICY,
      pipeline: { name: 'p', run_id: 'r1', dir, started_at: new Date().toISOString(), vars: {} },
    });
    try {
      expect(await store.read('p', 'r1', undefined, 10)).toEqual([]);
      const row = (stage: string, seq: number, run_id = 'r1'): DeadLetterRow => ({
        run_id, pipeline: 'p', seq, rejected_at: '2024-05-01T10:00:00.123Z', stage, reason: `r${seq}`, rule: null, column_name: null, position: null, record: `{"id":${seq}}`,
      });
      await store.insert([row('load', 1), row('extract', 2), row('extract', 3), row('load', 4), row('extract', 5, 'r2')], { final: true });
      const first = await store.read('p', 'r1', undefined, 2);
      const next = await store.read('p', 'r1', { stage: first[1]!.stage, seq: first[1]!.seq }, 2);
      expect([...first, ...next].map((r) => `${r.stage}:${r.seq}`)).toEqual(['extract:2', 'extract:3', 'load:1', 'load:4']);
      expect(first[0]).toMatchObject({ record: '{"id":2}', rejected_at: '2024-05-01T10:00:00.123000Z' });
      expect(await store.delete('p', 'r1')).toBe(4);
      expect(await store.read('p', 'r2', undefined, 10)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
