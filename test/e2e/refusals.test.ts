import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, removeTempDirs, tempDir, write } from './helpers.js';

// A row the target refuses is never lost silently: with no errors.max_rejects the run fails
// (exit 3) and loads nothing; with one, the other rows load and the refused rows are in the
// dead letter with the database's reason.
const pipeline = (errors: string) => `version: 1
name: refusals
extract:
  type: csv
  path: in.csv
load:
  type: sqlite
  path: out.db
  table: scores
errors:
  dead_letter: rejects.ndjson
${errors}`;

async function setup(): Promise<string> {
  const dir = await tempDir('etl-refusals-');
  await write(dir, 'in.csv', 'id,score\n1,10\n2,-5\n3,30\n4,-1\n5,50\n');
  const db = new Database(join(dir, 'out.db'));
  db.exec('CREATE TABLE scores (id INTEGER PRIMARY KEY, score INTEGER CHECK (score >= 0))');
  db.close();
  return dir;
}

const loaded = (dir: string): number[] => {
  const db = new Database(join(dir, 'out.db'), { readonly: true });
  try {
    return (db.prepare('SELECT id FROM scores ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  } finally {
    db.close();
  }
};

const deadLetter = async (dir: string) =>
  (await readFile(join(dir, 'rejects.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => assertBuilt());
afterAll(removeTempDirs);

describe('rows the sink refuses', () => {
  it('fail the run by default (exit 3), leave the table unchanged, and keep the row with its reason', async () => {
    const dir = await setup();
    await write(dir, 'p.yml', pipeline(''));
    const run = await cli(['run', 'p.yml', '--no-progress'], { cwd: dir });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/load sqlite refused a row: .*CHECK constraint failed/);
    expect(run.stderr).toMatch(/errors\.max_rejects/);
    expect(loaded(dir)).toEqual([]);
    const rejects = await deadLetter(dir);
    // the sink may finish the batch it was writing: every row it refused is there, the first first
    expect(rejects.length).toBeGreaterThanOrEqual(1);
    expect(rejects[0]).toMatchObject({ stage: 'load sqlite', record: { id: 2, score: -5 } });
  });

  it('go to the dead letter when errors.max_rejects allows them; the other rows load', async () => {
    const dir = await setup();
    await write(dir, 'p.yml', pipeline('  max_rejects: 5\n'));
    const run = await cli(['run', 'p.yml', '--no-progress'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(loaded(dir)).toEqual([1, 3, 5]);
    const rejects = await deadLetter(dir);
    expect(rejects.map((r) => (r['record'] as { id: number }).id)).toEqual([2, 4]);
    expect(String(rejects[0]!['reason'])).toMatch(/CHECK constraint failed/);
  });

  it('count toward max_rejects: one more than allowed fails with exit 3 and loads nothing', async () => {
    const dir = await setup();
    await write(dir, 'p.yml', pipeline('  max_rejects: 1\n'));
    const run = await cli(['run', 'p.yml', '--no-progress'], { cwd: dir });
    expect(run.code, run.stderr).toBe(3);
    expect(loaded(dir)).toEqual([]);
  });
});
