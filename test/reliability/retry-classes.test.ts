import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDatabaseUrl } from '../db/database.js';
import { assertBuilt, runCli, tempDir, write } from '../helpers/cli.js';
import { writeCsv } from '../helpers/data.js';

/** Transient failures are retried (with the policy's attempts), permanent ones never. */
let dir: string;
let url: string;

function pipeline(name: string, connUrl: string, extract = '{ type: csv, path: in.csv }'): string {
  return `version: 1\nname: ${name}\nretry: { attempts: 3, initial_secs: 0.05, max_secs: 0.1 }\nconnections: { db: { type: postgres, url: "\${env:${connUrl}}", connect_timeout_secs: 2 } }\nextract: ${extract}\nload: { type: postgres, connection: db, table: retry_${name}_${process.pid} }\n`;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const env: Record<string, string> = {};

beforeAll(async () => {
  assertBuilt();
  url = requireDatabaseUrl();
  dir = await tempDir('etl-retry-');
  await writeCsv(join(dir, 'in.csv'), 100);
  const refused = new URL(url);
  refused.port = String(await freePort());
  const badPassword = new URL(url);
  badPassword.password = 'definitely-wrong';
  Object.assign(env, { R_GOOD: url, R_REFUSED: refused.toString(), R_BADPW: badPassword.toString() });
  await write(dir, 'refused.yml', pipeline('refused', 'R_REFUSED'));
  await write(dir, 'badpw.yml', pipeline('badpw', 'R_BADPW'));
  await write(dir, 'badsql.yml', pipeline('badsql', 'R_GOOD', '{ type: postgres, connection: db, query: "SELECT * FROM no_such_table_r" }'));
});

const retries = (stderr: string) => stderr.split('\n').filter((l) => /^retry:/i.test(l.trim())).length;

describe('retry classification', () => {
  it('connection refused is transient: retried attempts-1 times, then exit 1', async () => {
    const r = await runCli(['run', 'refused.yml', '--no-progress'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(1);
    expect(retries(r.stderr), r.stderr).toBe(2);
  });

  it('wrong password is permanent: no retry, exit 1, password not shown', async () => {
    const r = await runCli(['run', 'badpw.yml', '--no-progress'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(1);
    expect(retries(r.stderr), r.stderr).toBe(0);
    expect(r.stderr).not.toContain('definitely-wrong');
  });

  it('a SQL error is permanent: no retry, exit 1', async () => {
    const r = await runCli(['run', 'badsql.yml', '--no-progress'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(1);
    expect(retries(r.stderr), r.stderr).toBe(0);
    expect(r.stderr).toContain('no_such_table_r');
  });
});
