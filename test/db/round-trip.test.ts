import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, removeTempDirs, tempDir, write } from '../e2e/helpers.js';
import { requireDatabaseUrl } from './database.js';

/**
 * Exactness end to end through the built CLI: 100k rows holding every canonical type (NULLs,
 * unicode, 18-digit decimals, int64 beyond 2^53, timestamps with microseconds with and without
 * zone, bytea, jsonb) go PostgreSQL → Parquet → PostgreSQL and PostgreSQL → SQLite → CSV.
 */
const ROWS = 100_000;
const SCHEMA = `rt_${process.pid}`;

const CREATE = `
CREATE SCHEMA ${SCHEMA};
CREATE TABLE ${SCHEMA}.src (
  id bigint PRIMARY KEY, big bigint, amount numeric(38,18), ratio double precision, flag boolean,
  day date, at_local timestamp(6), at_zone timestamptz(6), label text, doc jsonb, raw bytea);
INSERT INTO ${SCHEMA}.src
SELECT g,
  CASE WHEN g % 11 = 0 THEN NULL ELSE 9007199254740993 + g END,
  CASE WHEN g % 13 = 0 THEN NULL ELSE (g::numeric * 1000000000007 + 0.123456789012345678) END,
  CASE WHEN g % 17 = 0 THEN NULL ELSE g / 7.0 END,
  CASE WHEN g % 19 = 0 THEN NULL ELSE g % 2 = 0 END,
  CASE WHEN g % 23 = 0 THEN NULL ELSE date '2000-01-01' + (g % 9000) END,
  CASE WHEN g % 29 = 0 THEN NULL ELSE timestamp '2024-01-01 00:00:00' + g * interval '1.000001 second' END,
  CASE WHEN g % 31 = 0 THEN NULL ELSE timestamptz '2024-01-01 00:00:00+02' + g * interval '1.000007 second' END,
  CASE WHEN g % 37 = 0 THEN NULL WHEN g % 5 = 0 THEN '' ELSE 'naïve café ☕ 東京 ' || g || E' "q", line\\nbreak' END,
  CASE WHEN g % 41 = 0 THEN NULL ELSE jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g % 3)) END,
  CASE WHEN g % 43 = 0 THEN NULL ELSE decode(lpad(to_hex(g), 8, '0'), 'hex') END
FROM generate_series(1, ${ROWS}) g;`;

describe(`exact round trips of ${ROWS} rows with every canonical type (built bin)`, () => {
  let url = '';
  let client: pg.Client;
  let dir = '';
  const env = (): Record<string, string> => ({ RT_DATABASE_URL: url });
  const conn = 'connections: { db: { type: postgres, url: "${env:RT_DATABASE_URL}" } }';

  beforeAll(async () => {
    assertBuilt();
    url = requireDatabaseUrl();
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(CREATE);
    dir = await tempDir('etl-roundtrip-');
  }, 120_000);

  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client?.end();
    await removeTempDirs();
  });

  async function run(name: string, text: string): Promise<void> {
    await write(dir, `${name}.yml`, `version: 1\nname: ${name}\n${text}`);
    const r = await cli(['run', `${name}.yml`, '--quiet'], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
  }

  it('PostgreSQL → Parquet → PostgreSQL leaves identical values', async () => {
    await run('to_parquet', `${conn}\nextract: { type: postgres, connection: db, table: ${SCHEMA}.src }\nload: { type: parquet, path: rt.parquet }\n`);
    await client.query(`CREATE TABLE ${SCHEMA}.back (LIKE ${SCHEMA}.src INCLUDING ALL)`);
    await run('from_parquet', `${conn}\nextract: { type: parquet, path: rt.parquet }\nload: { type: postgres, connection: db, table: ${SCHEMA}.back, mode: append }\n`);
    const diff = await client.query(
      `SELECT (SELECT count(*) FROM (SELECT * FROM ${SCHEMA}.src EXCEPT ALL SELECT * FROM ${SCHEMA}.back) a) AS missing,
              (SELECT count(*) FROM (SELECT * FROM ${SCHEMA}.back EXCEPT ALL SELECT * FROM ${SCHEMA}.src) b) AS extra,
              (SELECT count(*) FROM ${SCHEMA}.back) AS n`,
    );
    expect(diff.rows[0]).toEqual({ missing: '0', extra: '0', n: String(ROWS) });
  }, 300_000);

  it('PostgreSQL → SQLite → CSV gives the same file as PostgreSQL → CSV', async () => {
    const read = `extract: { type: postgres, connection: db, query: "SELECT * FROM ${SCHEMA}.src ORDER BY id" }`;
    await run('direct_csv', `${conn}\n${read}\nload: { type: csv, path: direct.csv }\n`);
    await run('to_sqlite', `${conn}\n${read}\nload: { type: sqlite, path: rt.db, table: src }\n`);
    await run('sqlite_csv', `extract: { type: sqlite, path: rt.db, query: "SELECT * FROM src ORDER BY id" }\nload: { type: csv, path: via-sqlite.csv }\n`);
    const [direct, viaSqlite] = await Promise.all([readFile(join(dir, 'direct.csv'), 'utf8'), readFile(join(dir, 'via-sqlite.csv'), 'utf8')]);
    expect(direct.length).toBeGreaterThan(ROWS * 50);
    expect(direct.includes('9007199254740994')).toBe(true); // int64 beyond 2^53, exact
    expect(direct.includes('1000000000007.123456789012345678')).toBe(true); // 38,18 decimal, exact
    expect(viaSqlite === direct).toBe(true);
  }, 300_000);
});
