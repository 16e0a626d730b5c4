import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDatabaseUrl } from '../db/database.js';
import { assertBuilt, runCli, tempDir, write } from '../helpers/cli.js';
import { pgQuery } from '../helpers/targets.js';

/**
 * SQL injection through names: a hostile table name either fails validation or is used as that
 * exact literal identifier; hostile CSV headers become literal column names.
 */
const HOSTILE_TABLE = 'x"; drop table y; --';
const HOSTILE_HEADER = 'id,"a""b","c;d","e\'); drop table y; --"\n1,q1,s1,t1\n2,q2,s2,t2\n';
const HOSTILE_COLUMNS = ['id', 'a"b', 'c;d', "e'); drop table y; --"];

let dir: string;
let url: string;
const env: Record<string, string> = {};

function yamlString(s: string): string {
  return JSON.stringify(s);
}

beforeAll(async () => {
  assertBuilt();
  url = requireDatabaseUrl();
  env['INJ_PG_URL'] = url;
  dir = await tempDir('etl-inject-');
  await write(dir, 'in.csv', 'id,name\n1,a\n2,b\n');
  await write(dir, 'hostile.csv', HOSTILE_HEADER);
});

async function runOk(file: string): Promise<{ code: number | null; stderr: string }> {
  const r = await runCli(['run', file, '--no-progress'], { cwd: dir, env, timeoutMs: 60_000 });
  expect(r.stderr).not.toMatch(/^ {4}at /m);
  return r;
}

describe('postgres: hostile identifiers', () => {
  beforeAll(async () => {
    await pgQuery(url, 'CREATE TABLE IF NOT EXISTS y (v int)');
    await pgQuery(url, `DROP TABLE IF EXISTS ${quote(HOSTILE_TABLE)}`);
    await pgQuery(url, 'DROP TABLE IF EXISTS inj_cols');
  });

  it.each(['append', 'overwrite', 'upsert'])('table name %s: rejected or created literally; table y survives', async (mode) => {
    await pgQuery(url, `DROP TABLE IF EXISTS ${quote(HOSTILE_TABLE)}`);
    const key = mode === 'upsert' ? ', key: [id]' : '';
    await write(dir, `pg-${mode}.yml`, `version: 1\nname: inj_pg_${mode}\nconnections: { db: { type: postgres, url: "\${env:INJ_PG_URL}" } }\nextract: { type: csv, path: in.csv }\nload: { type: postgres, connection: db, table: ${yamlString(HOSTILE_TABLE)}, mode: ${mode}${key} }\n`);
    const r = await runOk(`pg-${mode}.yml`);
    expect([0, 2], r.stderr).toContain(r.code);
    expect((await pgQuery(url, "SELECT to_regclass('public.y') IS NOT NULL AS ok"))[0]).toEqual({ ok: true });
    if (r.code === 0) {
      const rows = await pgQuery<{ n: string }>(url, `SELECT count(*) AS n FROM ${quote(HOSTILE_TABLE)}`);
      expect(Number(rows[0]!.n)).toBe(2);
    }
  });

  it('hostile CSV headers load into the literal columns', async () => {
    await write(dir, 'pg-cols.yml', `version: 1\nname: inj_pg_cols\nconnections: { db: { type: postgres, url: "\${env:INJ_PG_URL}" } }\nextract: { type: csv, path: hostile.csv }\nload: { type: postgres, connection: db, table: inj_cols, mode: overwrite }\n`);
    const r = await runOk('pg-cols.yml');
    expect(r.code, r.stderr).toBe(0);
    const cols = await pgQuery<{ column_name: string }>(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'inj_cols' ORDER BY ordinal_position");
    expect(cols.map((c) => c.column_name)).toEqual(HOSTILE_COLUMNS);
    const rows = await pgQuery<Record<string, unknown>>(url, 'SELECT * FROM inj_cols ORDER BY 1');
    expect(rows[1]).toEqual({ id: '2', 'a"b': 'q2', 'c;d': 's2', "e'); drop table y; --": 't2' });
    expect((await pgQuery(url, "SELECT to_regclass('public.y') IS NOT NULL AS ok"))[0]).toEqual({ ok: true });
  });
});

describe('sqlite: hostile identifiers', () => {
  it.each(['append', 'overwrite', 'upsert'])('table name %s: rejected or created literally; table y survives', async (mode) => {
    const { default: Database } = await import('better-sqlite3');
    const db = join(dir, `inj-${mode}.db`);
    const setup = new Database(db);
    setup.exec('CREATE TABLE IF NOT EXISTS y (v INTEGER); INSERT INTO y VALUES (1)');
    setup.close();
    const key = mode === 'upsert' ? ', key: [id]' : '';
    await write(dir, `lite-${mode}.yml`, `version: 1\nname: inj_lite_${mode}\nextract: { type: csv, path: in.csv }\nload: { type: sqlite, path: inj-${mode}.db, table: ${yamlString(HOSTILE_TABLE)}, mode: ${mode}${key} }\n`);
    const r = await runOk(`lite-${mode}.yml`);
    expect([0, 2], r.stderr).toContain(r.code);
    const check = new Database(db);
    try {
      const tables = (check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
      expect(tables).toContain('y');
      if (r.code === 0) {
        expect(tables).toContain(HOSTILE_TABLE);
        expect(check.prepare(`SELECT count(*) AS n FROM ${quote(HOSTILE_TABLE)}`).get()).toEqual({ n: 2 });
      }
    } finally {
      check.close();
    }
  });

  it('hostile CSV headers load into the literal columns', async () => {
    await write(dir, 'lite-cols.yml', 'version: 1\nname: inj_lite_cols\nextract: { type: csv, path: hostile.csv }\nload: { type: sqlite, path: cols.db, table: t, mode: overwrite }\n');
    const r = await runOk('lite-cols.yml');
    expect(r.code, r.stderr).toBe(0);
    const { default: Database } = await import('better-sqlite3');
    const check = new Database(join(dir, 'cols.db'));
    try {
      const cols = (check.prepare("SELECT name FROM pragma_table_info('t')").all() as Array<{ name: string }>).map((c) => c.name);
      expect(cols).toEqual(HOSTILE_COLUMNS);
      expect(check.prepare('SELECT * FROM t ORDER BY 1').all()[1]).toEqual({ id: 2, 'a"b': 'q2', 'c;d': 's2', "e'); drop table y; --": 't2' });
    } finally {
      check.close();
    }
  });
});

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
