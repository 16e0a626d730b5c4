import { readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDatabaseUrl } from '../db/database.js';
import { assertBuilt, runCli, tempDir, write, type RunResult } from '../helpers/cli.js';
import { pgQuery } from '../helpers/targets.js';

/**
 * Secrets (a postgres password, a token, a URL with a password; from env and from ${file:})
 * must appear in none of stdout, stderr, the --report file or the dead-letter file, in any
 * command or failure path. The URL-encoded form is searched too.
 */
const PASSWORD = 'Pw/S3cr3t:@x-7q'; // needs URL encoding: %2F %3A %40
const TOKEN = 'tok_L34k-Me-N0t-91f3';
const ROLE = `sec_${process.pid}`;
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), TOKEN, encodeURIComponent(TOKEN)];

let dir: string;
let base: URL;
const env: Record<string, string> = {};

function pipeline(name: string, connection: string, extract = '{ type: csv, path: in.csv }'): string {
  return `version: 1
name: ${name}
retry: { attempts: 2, initial_secs: 0.05, max_secs: 0.1 }
connections:
  db: ${connection}
extract: ${extract}
transform:
  - type: filter
    where: "name != '\${env:SEC_TOKEN}'"
  - type: validate
    rules:
      - { not_null: [email] }
    on_fail: reject
load: { type: postgres, connection: db, table: sec_${name}, mode: overwrite }
errors: { dead_letter: ${name}.dl.ndjson }
`;
}

const VIA_ENV_URL = '{ type: postgres, url: "${env:SEC_PG_URL}" }';
const VIA_BAD_PORT = '{ type: postgres, url: "${env:SEC_PG_BAD_URL}", connect_timeout_secs: 2 }';
const VIA_FILE = () => `{ type: postgres, host: 127.0.0.1, port: ${base.port}, user: ${ROLE}, database: "${base.pathname.slice(1)}", password: "\${file:pw.txt}" }`;

async function check(label: string, r: RunResult, files: readonly string[] = []): Promise<void> {
  const texts: Array<[string, string]> = [['stdout', r.stdout], ['stderr', r.stderr]];
  for (const f of files) if (existsSync(join(dir, f))) texts.push([f, await readFile(join(dir, f), 'utf8')]);
  for (const [where, text] of texts) {
    for (const s of SECRETS) expect(text.includes(s), `${label}: secret ${JSON.stringify(s)} in ${where}:\n${text.slice(0, 3000)}`).toBe(false);
  }
}

async function cli(args: string[]): Promise<RunResult> {
  return runCli(args, { cwd: dir, env, timeoutMs: 60_000 });
}

beforeAll(async () => {
  assertBuilt();
  const url = requireDatabaseUrl();
  base = new URL(url);
  await pgQuery(url, `DROP ROLE IF EXISTS ${ROLE}`).catch(() => {});
  await pgQuery(url, `CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
  await pgQuery(url, `GRANT CREATE, USAGE ON SCHEMA public TO ${ROLE}`);
  const good = new URL(url);
  good.username = ROLE;
  good.password = encodeURIComponent(PASSWORD);
  const bad = new URL(good.toString());
  bad.port = String(Number(base.port) === 65535 ? 1 : Number(base.port) + 1);
  Object.assign(env, { SEC_PG_URL: good.toString(), SEC_PG_BAD_URL: bad.toString(), SEC_TOKEN: TOKEN });
  dir = await tempDir('etl-secrets-');
  await write(dir, 'pw.txt', PASSWORD);
  await write(dir, 'in.csv', 'id,name,email\n1,ann,a@x.org\n2,bob,\n3,cy,c@x.org\n');
  await write(dir, 'env.yml', pipeline('env', VIA_ENV_URL));
  await write(dir, 'file.yml', pipeline('file', VIA_FILE()));
  await write(dir, 'badport.yml', pipeline('badport', VIA_BAD_PORT));
  await write(dir, 'badsql.yml', pipeline('badsql', VIA_ENV_URL, '{ type: postgres, connection: db, query: "SELECT nope FROM no_such_table_x" }'));
});

describe('secrets never leak', () => {
  it.each(['env', 'file'])('run (%s): success with a rejected row, --report and json logs', async (name) => {
    const r = await cli(['run', `${name}.yml`, '--no-progress', '--report', `${name}.report.json`, '--verbose']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, `${name}.dl.ndjson`))).toBe(true);
    await check(`run ${name}`, r, [`${name}.report.json`, `${name}.dl.ndjson`]);
    const json = await cli(['run', `${name}.yml`, '--no-progress', '--log-format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    await check(`run ${name} --log-format json`, json, [`${name}.dl.ndjson`]);
  });

  it('connection failure (wrong port), plain, --verbose and json: exit 1, host named, password not', async () => {
    for (const extra of [[], ['--verbose'], ['--log-format', 'json']]) {
      const r = await cli(['run', 'badport.yml', '--no-progress', '--report', 'badport.report.json', ...extra]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('127.0.0.1');
      await check(`badport ${extra.join(' ')}`, r, ['badport.report.json', 'badport.dl.ndjson']);
    }
  });

  it('SQL error (bad query), plain and --verbose: exit 1, no secret', async () => {
    for (const extra of [[], ['--verbose']]) {
      const r = await cli(['run', 'badsql.yml', '--no-progress', '--report', 'badsql.report.json', ...extra]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/no_such_table_x|nope/);
      await check(`badsql ${extra.join(' ')}`, r, ['badsql.report.json']);
    }
  });

  it.each(['env', 'file'])('debug, dry-run, validate, validate --connections (%s)', async (name) => {
    const runs: Array<[string[], number[]]> = [
      [['debug', `${name}.yml`], [0]],
      [['dry-run', `${name}.yml`, '--verbose'], [0]],
      [['dry-run', `${name}.yml`, '--log-format', 'json'], [0]],
      [['validate', `${name}.yml`, '--verbose'], [0]],
      [['validate', `${name}.yml`, '--connections'], [0]],
    ];
    for (const [args, codes] of runs) {
      await rm(join(dir, `${name}.dry.json`), { force: true });
      const r = await cli([...args, '--report', `${name}.dry.json`]);
      expect(codes, `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
      await check(args.join(' '), r, [`${name}.dry.json`]);
    }
  });

  it('expression errors around a secret literal (syntax at validate, unknown column at run)', async () => {
    const expr = (name: string, where: string) => `version: 1\nname: ${name}\nextract: { type: csv, path: in.csv }\ntransform:\n  - type: filter\n    where: "${where}"\nload: { type: ndjson, path: ${name}.out.ndjson }\n`;
    await write(dir, 'syntax.yml', expr('syntax', "name != '${env:SEC_TOKEN}' and (nosuch > 1"));
    await write(dir, 'unknown.yml', expr('unknown', "name != '${env:SEC_TOKEN}' and nosuch > 1"));
    for (const [args, code] of [[['validate', 'syntax.yml'], 2], [['run', 'syntax.yml', '--verbose'], 2], [['run', 'unknown.yml', '--verbose', '--report', 'unknown.report.json'], 1]] as const) {
      const r = await cli([...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      await check(args.join(' '), r, ['unknown.report.json']);
    }
  });

  it('no file anywhere in the run directory holds a secret (state, history, reports, dead letters)', async () => {
    const walk = async (d: string): Promise<string[]> => {
      const out: string[] = [];
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) out.push(...(await walk(join(d, e.name))));
        else out.push(join(d, e.name));
      }
      return out;
    };
    for (const file of await walk(dir)) {
      if (file.endsWith('pw.txt') || file.endsWith('.yml')) continue;
      const text = await readFile(file, 'utf8');
      for (const s of SECRETS) expect(text.includes(s), `${file} holds ${s}`).toBe(false);
    }
  });
});
