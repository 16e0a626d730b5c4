import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, collect, runCli, sleep, spawnCli, tempDir, write } from '../../helpers/cli.js';
import { writeCsv, writeLines } from '../../helpers/data.js';
import { startSecondPostgres, type SecondPostgres } from '../../helpers/second-postgres.js';
import { expectedNew, pgRows } from '../../helpers/targets.js';

/**
 * Server outages on a private PostgreSQL this file starts and stops: a server that stays down
 * fails the run cleanly (exit 1) after the retries, naming the host but never the password, with
 * the target unchanged; a server that comes back within the retry window is a success.
 * (The shared test database of the globalSetup is not used: it must never be stopped.)
 */
const ROWS = 20_000;
let pg: SecondPostgres;
let dir: string;

function pipeline(name: string, input: string, attempts: number): string {
  return `version: 1\nname: ${name}\nretry: { attempts: ${attempts}, initial_secs: 0.5, max_secs: 2, jitter: 0 }\nconnections: { db: { type: postgres, url: "\${env:OUTAGE_PG_URL}", connect_timeout_secs: 2 } }\nextract: { type: csv, path: ${input} }\nload: { type: postgres, connection: db, table: outage_t, mode: overwrite }\n`;
}

beforeAll(async () => {
  assertBuilt();
  pg = await startSecondPostgres();
  dir = await tempDir('etl-outage-');
  await writeCsv(join(dir, 'in.csv'), ROWS);
  await writeLines(join(dir, 'old.csv'), 'id,name,amount', 10, (i) => `${-i},old ${i},1.25`);
  await write(dir, 'seed.yml', pipeline('outage_seed', 'old.csv', 1));
  await write(dir, 'down.yml', pipeline('outage_down', 'in.csv', 3));
  await write(dir, 'back.yml', pipeline('outage_back', 'in.csv', 8));
}, 120_000);

afterAll(async () => {
  await pg?.destroy();
});

const env = () => ({ OUTAGE_PG_URL: pg.url });
const OLD = { exists: true, count: 10, distinct: 10, idSum: -55, old: 10 };

describe('PostgreSQL server outage', () => {
  it('server down for the whole run: retries, then exit 1 naming the host without the password; target unchanged', async () => {
    expect((await runCli(['run', 'seed.yml', '--no-progress'], { cwd: dir, env: env() })).code).toBe(0);
    await pg.stop();
    try {
      const r = await runCli(['run', 'down.yml', '--no-progress'], { cwd: dir, env: env(), timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`127.0.0.1:${pg.port}`);
      expect(r.stderr).toMatch(/retry/i);
      expect(r.stderr).not.toContain(pg.password);
      expect(r.stderr).not.toMatch(/^ {4}at /m);
      expect(r.ms, 'gave up after the retry budget, not before').toBeGreaterThan(1_000);
    } finally {
      await pg.start();
    }
    expect(await pgRows(pg.url, 'outage_t')).toEqual(OLD);
  }, 120_000);

  it('server back within the retry window while connecting: the run succeeds', async () => {
    await pg.stop();
    const child = spawnCli(['run', 'back.yml', '--no-progress'], { cwd: dir, env: env() });
    const done = collect(child, 90_000);
    await sleep(2_500);
    await pg.start();
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/retry/i);
    expect(await pgRows(pg.url, 'outage_t')).toEqual(expectedNew(ROWS));
  }, 120_000);
});
