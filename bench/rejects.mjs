#!/usr/bin/env node
// Rejects at scale: throughput of a 1M-row CSV load, clean vs 1% bad rows (ragged, bad decimal,
// bad date, rule failure) → dead letter. Target: the 1%-bad run keeps >= 80% of clean throughput.
// Usage: npm run build && node bench/rejects.mjs [rows]   (ROWS env works too)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rejectsPipeline, writeRejectsCsv } from '../test/helpers/rejects-data.mjs';

const rows = Number(process.argv[2] ?? process.env.ROWS ?? 1_000_000);
const bin = fileURLToPath(new URL('../bin/etl-cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'etl-bench-rejects-'));

function countLines(file) {
  try {
    const text = readFileSync(file, 'utf8');
    let n = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    return n;
  } catch {
    return 0;
  }
}

function run(label, input) {
  const yml = `${label}.yml`;
  writeFileSync(join(dir, yml), rejectsPipeline(`bench_${label}`, input, `${label}.out.ndjson`, `${label}.dead.ndjson`));
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, 'run', yml, '--no-progress', '--quiet'], { cwd: dir, encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}\n${r.stderr}`);
  const written = countLines(join(dir, `${label}.out.ndjson`));
  const dead = countLines(join(dir, `${label}.dead.ndjson`));
  return { label, secs, rps: rows / secs, written, dead };
}

try {
  const clean = await writeRejectsCsv(join(dir, 'clean.csv'), rows, 0, 'clean.csv');
  const dirty = await writeRejectsCsv(join(dir, 'dirty.csv'), rows, 0.01, 'dirty.csv');
  const a = run('clean', 'clean.csv');
  const b = run('dirty', 'dirty.csv');
  for (const [r, exp] of [[a, clean], [b, dirty]]) {
    const ok = r.written === exp.good && r.dead === exp.bad.size;
    console.log(`${r.label.padEnd(6)} ${rows} rows  ${r.secs.toFixed(2)} s  ${Math.round(r.rps).toLocaleString('en-US')} rows/s  written ${r.written}  dead-letter ${r.dead}  ${ok ? 'ok' : `MISMATCH (expected ${exp.good} / ${exp.bad.size})`}`);
  }
  const ratio = b.rps / a.rps;
  console.log(`1%-bad throughput = ${(ratio * 100).toFixed(1)}% of clean (target >= 80%) ${ratio >= 0.8 ? 'PASS' : 'FAIL'}`);
  process.exitCode = ratio >= 0.8 && a.written === clean.good && b.written === dirty.good && b.dead === dirty.bad.size ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
