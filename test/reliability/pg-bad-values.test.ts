import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDatabaseUrl } from '../db/database.js';
import { assertBuilt, ROOT, runCli, tempDir, write } from '../helpers/cli.js';
import { pgRows } from '../helpers/targets.js';

/**
 * Values PostgreSQL cannot store (a NUL character in text): the run must not lose rows silently:
 * either every row is loaded, or the bad rows are rejected with positions, or the run fails
 * cleanly (exit 1) with the table untouched.
 */
let dir: string;
let url: string;

beforeAll(async () => {
  assertBuilt();
  url = requireDatabaseUrl();
  dir = await tempDir('etl-pgbad-');
  await copyFile(join(ROOT, 'test', 'fixtures', 'bad', 'nul-bytes.csv'), join(dir, 'nul-bytes.csv'));
});

describe('NUL characters into PostgreSQL text', () => {
  it('no row is lost silently', async () => {
    const table = `pgnul_${process.pid}`;
    await write(dir, 'nul.yml', `version: 1\nname: pgnul\nconnections: { db: { type: postgres, url: "\${env:NUL_PG_URL}" } }\nextract: { type: csv, path: nul-bytes.csv }\nload: { type: postgres, connection: db, table: ${table} }\nerrors: { dead_letter: dl.ndjson }\n`);
    const r = await runCli(['run', 'nul.yml', '--no-progress'], { cwd: dir, env: { NUL_PG_URL: url }, timeoutMs: 60_000 });
    expect(r.stderr).not.toMatch(/^ {4}at /m);
    const loaded = await pgRows(url, table);
    const rejected = existsSync(join(dir, 'dl.ndjson')) ? (await readFile(join(dir, 'dl.ndjson'), 'utf8')).trim().split('\n').length : 0;
    console.log(`[pg-nul] exit ${r.code}, loaded ${loaded.count}, rejected ${rejected}: ${r.stderr.split('\n')[0] ?? ''}`);
    if (r.code === 0) expect(loaded.count + rejected, r.stdout).toBe(3);
    else {
      // the server refuses the row: with no errors.max_rejects that fails the run, loading nothing
      expect(r.code, r.stderr).toBe(3);
      expect(loaded.count).toBe(0);
      expect(r.stderr).toMatch(/refused a row: .*(nul|0x00|\\\\u0000)/i);
      expect(rejected).toBeGreaterThanOrEqual(1);
    }
  });
});
