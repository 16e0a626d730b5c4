import { readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDatabaseUrl } from '../../db/database.js';
import { assertBuilt, listFiles, runCli, seededRandom, sleep, spawnCli, tempDir, write } from '../../helpers/cli.js';
import { writeCsv, writeLines } from '../../helpers/data.js';
import { expectedNew, fileRows, pgQuery, pgRows, sqliteRows, type TargetRows } from '../../helpers/targets.js';

/**
 * Crash safety: SIGKILL the CLI at seeded random points and check that the target holds either
 * its old contents or all new rows (never a partial file/table, never duplicates), that the
 * watermark is never ahead of committed data, and that a rerun completes exactly.
 * CRASH_CASES (default 20 per kind), CRASH_SEED, CRASH_ROWS tune it.
 */
const CASES = Number(process.env.CRASH_CASES ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? 20261124);
const ROWS = Number(process.env.CRASH_ROWS ?? 120_000);
const OLD_ROWS = 10;
const OLD = { ...expectedNew(OLD_ROWS), idSum: -(OLD_ROWS * (OLD_ROWS + 1)) / 2, old: OLD_ROWS };

interface Kind {
  readonly name: string;
  readonly yaml: string;
  /** true: the target is seeded with OLD before each case, so "old contents" is visible. */
  readonly seeds: boolean;
  read(): Promise<TargetRows>;
  reset(): Promise<void>;
  /** extra checks after a kill (watermark vs table). */
  afterKill?(): Promise<void>;
}

const leftovers: Record<string, number> = {};
let dir: string;
let url: string;

function fileKind(format: 'csv' | 'ndjson' | 'parquet'): Kind {
  const target = () => join(dir, `out.${format}`);
  return {
    name: format,
    seeds: true,
    yaml: `version: 1\nname: crash_${format}\nvars: { input: big.csv }\nextract: { type: csv, path: "\${var:input}" }\nload: { type: ${format}, path: out.${format} }\n`,
    read: () => fileRows(target(), format),
    reset: () => rm(target(), { force: true }),
  };
}

function pgKind(mode: 'append' | 'overwrite'): Kind {
  const table = `crash_${mode}_${process.pid}`;
  return {
    name: `postgres ${mode}`,
    seeds: true,
    yaml: `version: 1\nname: crash_pg_${mode}\nvars: { input: big.csv }\nconnections: { db: { type: postgres, url: "\${env:CRASH_PG_URL}" } }\nextract: { type: csv, path: "\${var:input}" }\nload: { type: postgres, connection: db, table: ${table}, mode: ${mode} }\n`,
    read: () => pgRows(url, table),
    reset: async () => { await pgQuery(url, `DROP TABLE IF EXISTS "${table}"`); },
  };
}

/** postgres → postgres, incremental on id, upsert on id: the watermark must never pass the table. */
function pgUpsertKind(): Kind {
  const table = `crash_upsert_${process.pid}`;
  const source = `crash_src_${process.pid}`;
  const stateFile = () => join(dir, 'state', 'crash_pg_upsert.state.json');
  return {
    name: 'postgres upsert (incremental)',
    seeds: false,
    yaml: `version: 1\nname: crash_pg_upsert\nstate: { dir: state }\nconnections: { db: { type: postgres, url: "\${env:CRASH_PG_URL}" } }\nextract: { type: postgres, connection: db, table: ${source}, incremental: { column: id, initial: "0" } }\nload: { type: postgres, connection: db, table: ${table}, mode: upsert, key: [id] }\n`,
    read: () => pgRows(url, table),
    reset: async () => {
      await pgQuery(url, `DROP TABLE IF EXISTS "${table}"`);
      await rm(stateFile(), { force: true });
      await pgQuery(url, `CREATE TABLE IF NOT EXISTS "${source}" AS SELECT g AS id, 'customer ' || g AS name, (g % 1000) + 0.25 AS amount FROM generate_series(1, ${ROWS}) g`);
    },
    afterKill: async () => {
      if (!existsSync(stateFile())) return;
      const state = JSON.parse(await readFile(stateFile(), 'utf8')) as { watermark?: string };
      const max = (await pgQuery<{ m: string | null }>(url, `SELECT max(id) AS m FROM "${table}"`).catch(() => [{ m: null }]))[0]?.m;
      if (state.watermark !== undefined) expect(Number(state.watermark), 'watermark ahead of committed rows').toBeLessThanOrEqual(Number(max ?? 0));
    },
  };
}

function sqliteKind(): Kind {
  return {
    name: 'sqlite overwrite',
    seeds: true,
    yaml: `version: 1\nname: crash_sqlite\nvars: { input: big.csv }\nextract: { type: csv, path: "\${var:input}" }\nload: { type: sqlite, path: out.db, table: t, mode: overwrite }\n`,
    read: () => sqliteRows(join(dir, 'out.db'), 't'),
    reset: async () => { for (const f of ['out.db', 'out.db-journal', 'out.db-wal', 'out.db-shm']) await rm(join(dir, f), { force: true }); },
  };
}

function same(actual: TargetRows, expected: TargetRows): boolean {
  return actual.count === expected.count && actual.distinct === expected.distinct && actual.idSum === expected.idSum && actual.old === expected.old;
}

async function runToEnd(file: string, args: string[] = []): Promise<number> {
  const r = await runCli(['run', file, '--no-progress', ...args], { cwd: dir, env: { CRASH_PG_URL: url }, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`run ${file} exited ${r.code}: ${r.stderr}`);
  return r.ms;
}

const KINDS: Kind[] = [fileKind('csv'), fileKind('ndjson'), fileKind('parquet'), pgKind('append'), pgKind('overwrite'), pgUpsertKind(), sqliteKind()];

beforeAll(async () => {
  assertBuilt();
  url = requireDatabaseUrl();
  dir = await tempDir('etl-crash-');
  await writeCsv(join(dir, 'big.csv'), ROWS);
  await writeLines(join(dir, 'old.csv'), 'id,name,amount', OLD_ROWS, (i) => `${-i},old ${i},1.25`);
}, 120_000);

describe.each(KINDS)('SIGKILL during a run: $name', (kind) => {
  const file = `${kind.name.replace(/\W+/g, '_')}.yml`;
  let fullMs = 0;
  const random = seededRandom(SEED + kind.name.length * 7919);

  beforeAll(async () => {
    await write(dir, file, kind.yaml);
    await kind.reset();
    fullMs = await runToEnd(file);
    expect(same(await kind.read(), expectedNew(ROWS)), `${kind.name}: a clean run loads exactly ${ROWS} rows`).toBe(true);
  }, 180_000);

  it.each(Array.from({ length: CASES }, (_, i) => i))(`case %i (seed ${SEED})`, async () => {
    await kind.reset();
    if (kind.seeds) await runToEnd(file, ['--var', 'input=old.csv']);
    const before = await kind.read();
    const delay = Math.round(random() * fullMs * 1.1);
    const child = spawnCli(['run', file, '--no-progress'], { cwd: dir, env: { CRASH_PG_URL: url } });
    const closed = new Promise<void>((r) => child.on('close', () => r()));
    await sleep(delay);
    child.kill('SIGKILL');
    await closed;

    const after = await kind.read();
    const ok = same(after, before) || same(after, expectedNew(ROWS)) || (kind.name === 'postgres append' && same(after, { ...expectedNew(ROWS), count: ROWS + OLD_ROWS, distinct: ROWS + OLD_ROWS, idSum: expectedNew(ROWS).idSum + OLD.idSum, old: OLD_ROWS }));
    expect(ok, `${kind.name} killed after ${delay} ms: target holds ${JSON.stringify(after)}; before ${JSON.stringify(before)}`).toBe(true);
    await kind.afterKill?.();
    const temps = (await listFiles(dir)).filter((f) => /\.tmp-/.test(f));
    leftovers[kind.name] = (leftovers[kind.name] ?? 0) + temps.length;
    for (const t of temps) await rm(join(dir, t), { force: true });

    // rerun: overwrite/upsert kinds end with exactly the new rows; append with old + new once
    if (kind.name === 'postgres append') {
      if (after.count === before.count) await runToEnd(file);
      expect(same(await kind.read(), { exists: true, count: ROWS + before.count, distinct: ROWS + before.count, idSum: expectedNew(ROWS).idSum + before.idSum, old: before.old })).toBe(true);
    } else {
      await runToEnd(file);
      expect(same(await kind.read(), expectedNew(ROWS)), `${kind.name}: rerun after kill at ${delay} ms`).toBe(true);
    }
    await kind.afterKill?.();
  }, 180_000);

  it('reports temp files left by killed runs (documented, not a failure)', () => {
    console.log(`[crash] ${kind.name}: ${leftovers[kind.name] ?? 0} temp file(s) left by ${CASES} killed runs (target name never partial)`);
    expect(fullMs).toBeGreaterThan(0);
  });
});
