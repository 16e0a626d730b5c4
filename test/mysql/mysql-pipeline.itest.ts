import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPipelineText } from '../../src/core/config/index.js';
import { dryRunPipeline, runPipeline } from '../../src/core/engine/index.js';
import { createRegistry } from '../../src/registry.js';
import { requireMysqlUrl, sql, uniqueName } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'etl-mysql-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const events = () => {};

async function plan(yaml: string) {
  const file = join(dir, 'p.yml');
  writeFileSync(file, yaml);
  const result = await loadPipelineText(yaml, file, { registry: createRegistry(), environment: { MY_URL: requireMysqlUrl() } });
  expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  return result.plan!;
}

describe('mysql in a pipeline (real engine)', () => {
  it('mysql → mysql incremental upsert: the second run reads only changed rows; dry-run writes nothing', async () => {
    const src = uniqueName('src_users');
    const dst = uniqueName('dst_users');
    await sql(`CREATE TABLE \`${src}\` (id INT PRIMARY KEY, email VARCHAR(50), score DECIMAL(10,2), updated_at DATETIME(6))`);
    await sql(`INSERT INTO \`${src}\` VALUES (1, 'a@x', 1.10, '2024-01-01 10:00:00.000001'), (2, 'b@x', 2.20, '2024-01-02 10:00:00')`);
    const p = await plan(`version: 1
name: copy_users_${src}
connections:
  db: { type: mysql, url: "\${env:MY_URL}" }
extract:
  type: mysql
  connection: db
  table: ${src}
  incremental: { column: updated_at }
load:
  type: mysql
  connection: db
  table: ${dst}
  mode: upsert
  key: [id]
`);
    const dry = await dryRunPipeline(p, { signal: new AbortController().signal, events });
    expect(dry.sinks[0]!.statements!.join('\n')).toContain('ON DUPLICATE KEY UPDATE');
    expect((await sql('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_NAME = ?', [dst]))[0]!.n).toBe(0);
    const first = await runPipeline(p, { signal: new AbortController().signal, events });
    expect(first).toMatchObject({ status: 'ok', rows_written: 2 });
    await sql(`INSERT INTO \`${src}\` VALUES (3, 'c@x', 3.30, '2024-01-03 10:00:00')`);
    await sql(`UPDATE \`${src}\` SET email = 'a2@x', updated_at = '2024-01-04 00:00:00' WHERE id = 1`);
    const second = await runPipeline(p, { signal: new AbortController().signal, events });
    expect(second).toMatchObject({ status: 'ok', rows_read: 2, rows_written: 2 });
    const rows = await sql(`SELECT id, email, CAST(score AS CHAR) AS score, CAST(updated_at AS CHAR) AS at FROM \`${dst}\` ORDER BY id`);
    expect(rows.map((r) => [r.id, r.email, r.score, r.at])).toEqual([
      [1, 'a2@x', '1.10', '2024-01-04 00:00:00.000000'],
      [2, 'b@x', '2.20', '2024-01-02 10:00:00.000000'],
      [3, 'c@x', '3.30', '2024-01-03 10:00:00.000000'],
    ]);
  });
});
