import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, tempDir, write } from '../helpers/cli.js';
import { requireDatabaseUrl } from './database.js';
import { uniqueName, withClient } from './helpers.js';

// End to end through the CLI: rows PostgreSQL refuses fail the run by default (exit 3, table
// unchanged); with errors.max_rejects they go to the dead letter and the other rows load.
let url: string;
let dir: string;
const table = uniqueName('refused_cli');
const query = (sql: string) => withClient(url, async (c) => (await c.query(sql)).rows);
const ids = async () => (await query(`SELECT id FROM "${table}" ORDER BY id`)).map((r) => Number(r.id));

const pipeline = (mode: string, errors: string) => `version: 1
name: refused_cli
connections: { db: { type: postgres, url: "\${env:PG_URL}" } }
extract: { type: csv, path: in.csv }
load: { type: postgres, connection: db, table: ${table}, mode: ${mode}${mode === 'upsert' ? ', key: [id]' : ''} }
errors:
  dead_letter: rejects.ndjson
${errors}`;

const run = (file: string) => runCli(['run', file, '--no-progress'], { cwd: dir, env: { PG_URL: url } });
const deadLetter = async () =>
  (await readFile(join(dir, 'rejects.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  assertBuilt();
  url = requireDatabaseUrl();
  dir = await tempDir('etl-refused-cli-');
  const lines = ['id,score'];
  for (let i = 1; i <= 5000; i++) lines.push(`${i},${i % 1000 === 0 ? -i : i}`);
  await write(dir, 'in.csv', `${lines.join('\n')}\n`);
  await query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, score bigint CHECK (score >= 0))`);
});

afterAll(async () => {
  if (url) await query(`DROP TABLE IF EXISTS "${table}"`);
});

describe('postgres refusals through the CLI', () => {
  it('by default: exit 3, nothing loaded, the refused row and its reason in the dead letter', async () => {
    await write(dir, 'strict.yml', pipeline('append', ''));
    const r = await run('strict.yml');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/refused a row: .*violates check constraint .*\[23514\]/);
    expect(await ids()).toEqual([]);
    const rejects = await deadLetter();
    expect(rejects[0]).toMatchObject({ record: { id: 1000, score: -1000 }, position: 'in.csv:1001', rule: 'database' });
  });

  it('with max_rejects: the 4995 good rows load, the 5 refused ones are in the dead letter', async () => {
    await write(dir, 'lenient.yml', pipeline('append', '  max_rejects: 10\n'));
    const r = await run('lenient.yml');
    expect(r.code, r.stderr).toBe(0);
    expect(await ids()).toHaveLength(4995);
    const rejects = await deadLetter();
    expect(rejects.map((x) => (x['record'] as { id: number }).id)).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(String(rejects[0]!['reason'])).toMatch(/violates check constraint .*\[23514\]/);
  });

  it('upsert with max_rejects: refused rows are found in the merge and rejected; the rest upsert', async () => {
    await write(dir, 'upsert.yml', pipeline('upsert', '  max_rejects: 10\n'));
    const r = await run('upsert.yml');
    expect(r.code, r.stderr).toBe(0);
    expect(await ids()).toHaveLength(4995);
    expect((await deadLetter()).map((x) => x['position'])).toEqual(['row 1000', 'row 2000', 'row 3000', 'row 4000', 'row 5000']);
  });
});
