import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPipelineText } from '../../core/config/index.js';
import { dryRunPipeline, runPipeline } from '../../core/engine/index.js';
import type { Registry } from '../../registry.js';
import { createTestContext, type TestContext } from '../../testing/context.js';
import { csv } from '../csv/index.js';
import type { ConnectorDefinition } from '../define.js';
import { sqlite } from './index.js';
import { exec, sql } from './test-helpers.js';

const connectors = [sqlite, csv] as unknown as ConnectorDefinition[];
const registry: Registry = {
  connectors,
  transforms: [],
  connector: (name) => connectors.find((c) => c.name === name),
  transform: () => undefined,
};

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

async function plan(dir: string, yaml: string) {
  const file = join(dir, 'p.yml');
  writeFileSync(file, yaml);
  const result = await loadPipelineText(yaml, file, { registry, environment: {} });
  expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  return result.plan!;
}

const events = () => {};

describe('sqlite in a pipeline (real engine)', () => {
  it('sqlite → sqlite incremental upsert: the second run reads only new rows', async () => {
    ctx = createTestContext();
    const src = join(ctx.dir, 'app.db');
    await exec(src, `CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, score NUMERIC(10,2), updated_at DATETIME);
      INSERT INTO users VALUES (1, 'a@x', '1.10', '2024-01-01 10:00:00'), (2, 'b@x', '2.20', '2024-01-02 10:00:00');`);
    const p = await plan(ctx.dir, `version: 1
name: copy_users
connections:
  app: { type: sqlite, path: app.db, read_only: true }
extract:
  type: sqlite
  connection: app
  table: users
  incremental: { column: updated_at }
load:
  type: sqlite
  path: out/warehouse.db
  table: users
  mode: upsert
  key: [id]
`);
    const dry = await dryRunPipeline(p, { signal: ctx.signal, events });
    expect(dry.sinks[0]!.statements).toContain('CREATE TABLE "users" ("id" INTEGER NOT NULL, "email" TEXT, "score" DECIMAL_TEXT(10,2), "updated_at" TIMESTAMP, PRIMARY KEY ("id"))');
    const first = await runPipeline(p, { signal: ctx.signal, events });
    expect(first).toMatchObject({ status: 'ok', rows_written: 2 });
    await exec(src, "INSERT INTO users VALUES (3, 'c@x', '3.30', '2024-01-03 10:00:00'); UPDATE users SET email = 'a2@x', updated_at = '2024-01-04 00:00:00' WHERE id = 1;");
    const second = await runPipeline(p, { signal: ctx.signal, events });
    expect(second).toMatchObject({ status: 'ok', rows_read: 2, rows_written: 2 });
    expect(await sql(join(ctx.dir, 'out/warehouse.db'), 'SELECT id, email, score, updated_at FROM users ORDER BY id')).toEqual([
      { id: 1n, email: 'a2@x', score: '1.10', updated_at: '2024-01-04T00:00:00' },
      { id: 2n, email: 'b@x', score: '2.20', updated_at: '2024-01-02T10:00:00' },
      { id: 3n, email: 'c@x', score: '3.30', updated_at: '2024-01-03T10:00:00' },
    ]);
  });

  it('reads one table and writes another in the same file (10k rows, overwrite twice)', async () => {
    ctx = createTestContext();
    const file = join(ctx.dir, 'one.db');
    await exec(file, `CREATE TABLE a (id INTEGER, name TEXT);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO a SELECT i, 'name ' || i FROM n;`);
    const p = await plan(ctx.dir, `version: 1
name: same_file
extract:
  type: sqlite
  path: one.db
  query: SELECT id, upper(name) AS name FROM a
  batch_size: 500
load:
  type: sqlite
  path: one.db
  table: b
  mode: overwrite
`);
    for (let i = 0; i < 2; i++) {
      expect(await runPipeline(p, { signal: ctx.signal, events })).toMatchObject({ status: 'ok', rows_written: 10000 });
    }
    expect(await sql(file, 'SELECT count(*) AS n, max(name) AS m FROM b')).toEqual([{ n: 10000n, m: 'NAME 9999' }]);
  });
});
