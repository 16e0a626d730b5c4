import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDatabaseUrl } from '../db/database.js';
import { assertBuilt, collect, runCli, sleep, spawnCli, tempDir, write } from '../helpers/cli.js';
import { writeCsv, writeLines } from '../helpers/data.js';
import { expectedNew, pgQuery, pgRows } from '../helpers/targets.js';

/**
 * The PostgreSQL session is killed (pg_terminate_backend) while a load runs. A COPY in a killed
 * transaction cannot resume: the run must either succeed after retrying the whole load, or fail
 * cleanly (exit 1) with the target unchanged; a rerun then loads exactly the expected rows.
 * With a retry budget the engine reruns the whole pipeline (nothing was committed); with
 * `attempts: 1` it fails cleanly.
 */
const ROWS = 200_000;
let dir: string;
let url: string;

beforeAll(async () => {
  assertBuilt();
  url = requireDatabaseUrl();
  dir = await tempDir('etl-pgkill-');
  await writeCsv(join(dir, 'big.csv'), ROWS);
  await writeLines(join(dir, 'old.csv'), 'id,name,amount', 10, (i) => `${-i},old ${i},1.25`);
});

/** Terminates every etl-cli backend once one is busy loading; resolves to how many it killed. */
async function killLoadWhenBusy(appName: string, timeoutMs = 20_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const busy = await pgQuery<{ pid: number }>(url, "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle' AND query ILIKE 'COPY%'", [appName]);
    if (busy.length > 0) {
      const killed = await pgQuery<{ ok: boolean }>(url, 'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [appName]);
      return killed.length;
    }
    await sleep(20);
  }
  return 0;
}

const CASES = ['append', 'overwrite', 'upsert'].flatMap((mode) => [{ mode, attempts: 3 }, { mode, attempts: 1 }]);

describe.each(CASES)('pg_terminate_backend during a $mode load, retry attempts $attempts', ({ mode, attempts }) => {
  it(attempts > 1 ? 'retries the whole load (nothing was committed): exit 0, every row once' : 'fails cleanly (exit 1), target unchanged; a rerun completes', async () => {
    const table = `pgkill_${mode}_${attempts}_${process.pid}`;
    const app = `etl-cli-kill-${mode}`;
    const key = mode === 'upsert' ? ', key: [id]' : '';
    const yaml = (input: string) => `version: 1\nname: pgkill_${mode}\nretry: { attempts: ${attempts}, initial_secs: 0.1, max_secs: 0.5 }\nconnections: { db: { type: postgres, url: "\${env:KILL_PG_URL}", application_name: ${app} } }\nextract: { type: csv, path: ${input} }\nload: { type: postgres, connection: db, table: ${table}, mode: ${mode}${key} }\n`;
    const env = { KILL_PG_URL: url };
    await pgQuery(url, `DROP TABLE IF EXISTS "${table}"`);
    await write(dir, `seed-${mode}.yml`, yaml('old.csv'));
    await write(dir, `kill-${mode}.yml`, yaml('big.csv'));
    expect((await runCli(['run', `seed-${mode}.yml`, '--no-progress'], { cwd: dir, env })).code).toBe(0);
    const before = await pgRows(url, table);

    const child = spawnCli(['run', `kill-${mode}.yml`, '--no-progress'], { cwd: dir, env });
    const done = collect(child, 120_000);
    const killed = await killLoadWhenBusy(app);
    const r = await done;
    expect(killed, 'the load was seen in pg_stat_activity and killed').toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/^ {4}at /m);
    const after = await pgRows(url, table);
    const complete = { ...expectedNew(ROWS), count: ROWS + 10, distinct: ROWS + 10, idSum: expectedNew(ROWS).idSum - 55, old: 10 };
    if (attempts > 1) {
      // retried transparently: every row exactly once, and the summary counts one attempt
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/retry: run: attempt 1/);
      expect(r.stdout).toMatch(/wrote 200,000/);
      expect(after).toEqual(mode === 'overwrite' ? expectedNew(ROWS) : complete);
    } else {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(12);
      expect(after, 'a failed load leaves the table as it was').toEqual(before);
      const rerun = await runCli(['run', `kill-${mode}.yml`, '--no-progress'], { cwd: dir, env });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(await pgRows(url, table)).toEqual(mode === 'overwrite' ? expectedNew(ROWS) : complete);
    }
    console.log(`[pg-kill] ${mode} attempts ${attempts}: exit ${r.code} after the kill${r.code === 0 ? ' (retried the whole load)' : ''}: ${r.stderr.split('\n')[0] ?? ''}`);
  }, 180_000);
});
