// npm run bench [-- --rows 1000000] [--only csv-ndjson,csv-parquet] [--no-db]
// Runs each job through the built CLI in a fresh process, measuring wall time and peak RSS
// (/usr/bin/time), and the same job with DuckDB / Miller / psql \copy when they are available.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { startDatabase } from './database.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const rows = Number(flag('rows', '1000000'));
const only = flag('only', '')?.split(',').filter(Boolean) ?? [];
const withDb = !args.includes('--no-db');
const dataDir = join(root, 'bench', 'data', String(rows));
const outDir = join(root, 'bench', 'out');
const cli = join(root, 'bin', 'etl-cli.js');

function measure(command, argv, env = {}) {
  const res = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M', command, ...argv], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /__TIME__ ([\d.]+) (\d+)/.exec(res.stderr ?? '');
  if (res.status !== 0 || !m) {
    const tail = (res.stderr ?? '').split('\n').slice(-8).join('\n');
    return { ok: false, error: `exit ${res.status}: ${tail}` };
  }
  return { ok: true, secs: Number(m[1]), rssMb: Math.round(Number(m[2]) / 1024) };
}

function pipeline(name, extract, load, transform) {
  const file = join(outDir, `${name}.yml`);
  const doc = { version: 1, name: `bench_${name.replaceAll('-', '_')}`, extract, ...(transform ? { transform } : {}), load };
  writeFileSync(file, JSON.stringify(doc, null, 2)); // JSON is valid YAML
  return file;
}

const results = [];
function record(job, tool, r) {
  results.push({ job, tool, ...r });
  const line = r.ok
    ? `${job.padEnd(22)} ${tool.padEnd(18)} ${String(Math.round(rows / r.secs)).padStart(10)} rows/s ${r.secs.toFixed(2).padStart(7)} s ${String(r.rssMb).padStart(6)} MB`
    : `${job.padEnd(22)} ${tool.padEnd(18)} FAILED ${r.error}`;
  console.log(line);
}

function want(job) {
  return only.length === 0 || only.includes(job);
}

async function duckdb() {
  try {
    await import('@duckdb/node-api');
    return true;
  } catch {
    return false;
  }
}

function duckdbJob(sql) {
  const script = `import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
await c.run(${JSON.stringify(sql)});`;
  const file = join(outDir, 'duck.mjs');
  writeFileSync(file, script);
  return measure(process.execPath, [file], { NODE_PATH: join(root, 'node_modules') });
}

const hasMlr = spawnSync('mlr', ['--version']).status === 0;

async function main() {
  mkdirSync(dataDir, { recursive: true });
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  if (!existsSync(join(dataDir, 'data.csv'))) {
    console.log(`generating ${rows} rows into ${dataDir} …`);
    await generate(dataDir, rows);
  }
  const csv = join(dataDir, 'data.csv');
  const ndjson = join(dataDir, 'data.ndjson');
  const xml = join(dataDir, 'data.xml');
  const parquet = join(outDir, 'from-csv.parquet');
  const hasDuck = await duckdb();
  console.log(`rows: ${rows}; csv ${(statSync(csv).size / 1e6).toFixed(0)} MB; node ${process.version}; duckdb: ${hasDuck ? 'yes' : 'no (npm i -D @duckdb/node-api)'}; miller: ${hasMlr ? 'yes' : 'no'}`);
  console.log(`${'job'.padEnd(22)} ${'tool'.padEnd(18)} ${'rows/s'.padStart(17)} ${'time'.padStart(9)} ${'peak RSS'.padStart(9)}`);

  const fileJobs = [
    ['csv-ndjson', { type: 'csv', path: csv }, { type: 'ndjson', path: join(outDir, 'out.ndjson') },
      `COPY (SELECT * FROM read_csv('${csv}')) TO '${outDir}/duck.ndjson' (FORMAT json)`, ['--icsv', '--ojsonl', 'cat', csv]],
    ['csv-parquet', { type: 'csv', path: csv }, { type: 'parquet', path: parquet },
      `COPY (SELECT * FROM read_csv('${csv}')) TO '${outDir}/duck.parquet' (FORMAT parquet)`, null],
    ['ndjson-csv', { type: 'ndjson', path: ndjson }, { type: 'csv', path: join(outDir, 'out.csv') },
      `COPY (SELECT * FROM read_json('${ndjson}', format='newline_delimited')) TO '${outDir}/duck.csv'`, ['--ijsonl', '--ocsv', 'cat', ndjson]],
    ['xml-ndjson', { type: 'xml', path: xml, record_element: 'order' }, { type: 'ndjson', path: join(outDir, 'xml.ndjson') }, null, null],
    ['parquet-csv', { type: 'parquet', path: parquet }, { type: 'csv', path: join(outDir, 'pq.csv') },
      `COPY (SELECT * FROM read_parquet('${parquet}')) TO '${outDir}/duck-pq.csv'`, null],
  ];
  for (const [job, extract, load, duckSql, mlrArgs] of fileJobs) {
    if (!want(job) && !(job === 'csv-parquet' && want('parquet-csv'))) continue;
    const file = pipeline(job, extract, load);
    const ours = measure(process.execPath, [cli, 'run', file, '--quiet']);
    record(job, 'etl-cli', ours);
    if (hasDuck && duckSql && want(job)) record(job, 'duckdb (1 thread)', duckdbJob(duckSql));
    if (hasMlr && mlrArgs && want(job)) {
      const r = measure('sh', ['-c', `mlr ${mlrArgs.map((a) => `'${a}'`).join(' ')} > ${outDir}/mlr.out`]);
      record(job, 'miller', r);
    }
  }
  if (withDb) await databaseJobs(csv);
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ rows, results }, null, 2));
  console.log(`\nresults: ${join(outDir, 'results.json')}`);
}

async function databaseJobs(csv) {
  const jobs = ['csv-pg-append', 'csv-pg-upsert', 'pg-parquet', 'pg-csv'];
  if (!jobs.some(want)) return;
  const db = await startDatabase(root);
  try {
    const psql = spawnSync('psql', ['--version']).status === 0;
    const run = (sql) => execFileSync('psql', [db.url, '-qAtc', sql], { encoding: 'utf8' });
    const ddl = 'DROP TABLE IF EXISTS bench_orders; CREATE TABLE bench_orders (id bigint PRIMARY KEY, uuid text, name text, email text, amount numeric(12,2), qty bigint, created_at timestamptz, status text, country text, note text)';
    const conn = { db: { type: 'postgres', url: '${env:BENCH_DATABASE_URL}' } };
    const env = { BENCH_DATABASE_URL: db.url };
    const withConn = (file) => {
      const doc = JSON.parse(readText(file));
      writeFileSync(file, JSON.stringify({ ...doc, connections: conn }, null, 2));
      return file;
    };
    if (psql) run(ddl);
    const append = withConn(pipeline('csv-pg-append', { type: 'csv', path: csv }, { type: 'postgres', connection: 'db', table: 'bench_orders', mode: 'append', create_table: true }));
    record('csv-pg-append', 'etl-cli', measure(process.execPath, [cli, 'run', append, '--quiet'], env));
    if (psql) {
      run(ddl);
      record('csv-pg-append', 'psql \\copy', measure('psql', [db.url, '-qc', `\\copy bench_orders FROM '${csv}' CSV HEADER`]));
    }
    // Upsert: half the input rows exist already (the table holds ids 1..rows/2).
    if (psql) {
      run(`DELETE FROM bench_orders WHERE id > ${Math.floor(rows / 2)}`);
      run('VACUUM ANALYZE bench_orders');
    }
    const upsert = withConn(pipeline('csv-pg-upsert', { type: 'csv', path: csv }, { type: 'postgres', connection: 'db', table: 'bench_orders', mode: 'upsert', key: ['id'] }));
    record('csv-pg-upsert', 'etl-cli (½ new)', measure(process.execPath, [cli, 'run', upsert, '--quiet'], env));
    const toParquet = withConn(pipeline('pg-parquet', { type: 'postgres', connection: 'db', table: 'bench_orders' }, { type: 'parquet', path: join(outDir, 'pg.parquet') }));
    record('pg-parquet', 'etl-cli', measure(process.execPath, [cli, 'run', toParquet, '--quiet'], env));
    const toCsv = withConn(pipeline('pg-csv', { type: 'postgres', connection: 'db', table: 'bench_orders' }, { type: 'csv', path: join(outDir, 'pg.csv') }));
    record('pg-csv', 'etl-cli', measure(process.execPath, [cli, 'run', toCsv, '--quiet'], env));
    if (psql) record('pg-csv', 'psql \\copy', measure('psql', [db.url, '-qc', `\\copy bench_orders TO '${outDir}/psql.csv' CSV HEADER`]));
    if (spawnSync('pgloader', ['--version']).status === 0) console.log('pgloader found: not scripted yet');
  } finally {
    await db.stop();
  }
}

function readText(file) {
  return execFileSync('cat', [file], { encoding: 'utf8' });
}

await main();
