import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDatabaseUrl } from '../db/database.js';
import { assertBuilt, runCli, tempDir, write } from '../helpers/cli.js';
import { pgQuery, pgRows } from '../helpers/targets.js';

/**
 * A rerun after a run that committed (or a cron run with nothing new) reads no rows past the
 * watermark: it must succeed with 0 rows, not fail on the empty input; new rows then load once.
 */
let dir: string;
let url: string;

beforeAll(async () => {
  assertBuilt();
  url = requireDatabaseUrl();
  dir = await tempDir('etl-incr-');
});

describe('incremental postgres → postgres upsert, nothing new', () => {
  it('second run with no new rows exits 0; third run loads only the new rows; watermark = table max', async () => {
    const src = `incr_src_${process.pid}`;
    const dst = `incr_dst_${process.pid}`;
    await pgQuery(url, `DROP TABLE IF EXISTS "${src}"; DROP TABLE IF EXISTS "${dst}"`);
    await pgQuery(url, `CREATE TABLE "${src}" AS SELECT g AS id, 'n' || g AS name FROM generate_series(1, 100) g`);
    await write(dir, 'p.yml', `version: 1\nname: incr\nstate: { dir: state }\nconnections: { db: { type: postgres, url: "\${env:INCR_PG_URL}" } }\nextract: { type: postgres, connection: db, table: ${src}, incremental: { column: id, initial: "0" } }\nload: { type: postgres, connection: db, table: ${dst}, mode: upsert, key: [id] }\n`);
    const env = { INCR_PG_URL: url };
    const run = () => runCli(['run', 'p.yml', '--no-progress'], { cwd: dir, env });
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect((await pgRows(url, dst)).count).toBe(100);
    await pgQuery(url, `INSERT INTO "${src}" SELECT g, 'n' || g FROM generate_series(101, 150) g`);
    const third = await run();
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/read 50\b/);
    expect((await pgRows(url, dst)).count).toBe(150);
    const state = JSON.parse(await readFile(join(dir, 'state', 'incr.state.json'), 'utf8')) as { watermark?: string };
    expect(Number(state.watermark)).toBe(150);
  });
});
