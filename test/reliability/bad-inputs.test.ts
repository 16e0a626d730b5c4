import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, runCli, tempDir, write, type RunResult } from '../helpers/cli.js';
import { conformancePath } from '../../src/testing/shared-corpus.js';

/**
 * Hostile inputs through the built CLI: each must end with exit 0 (bad rows in the dead letter
 * with positions), 1 (run failed) or 2 (pipeline invalid), a short error without a stack trace,
 * no hang, no fetch through the input, and peak memory under 500 MB.
 */
const FIXTURES = join(ROOT, 'test', 'fixtures', 'bad');
const PARQUET_BAD = conformancePath('parquet-testing', 'bad_data');
const LIMIT_MS = 30_000;
const MEMORY_MB = 500;

let dir: string;
let server: Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  assertBuilt();
  dir = await tempDir('etl-bad-');
  for (const f of await readdir(FIXTURES)) await copyFile(join(FIXTURES, f), join(dir, f));
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('<!ENTITY leak "FETCHED-REMOTE">');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

function pipeline(name: string, extract: string): string {
  return `version: 1\nname: ${name}\nextract: ${extract}\nload: { type: ndjson, path: ${name}.out.ndjson }\nerrors: { dead_letter: ${name}.dl.ndjson }\n`;
}

async function run(file: string): Promise<RunResult> {
  const r = await runCli(['run', file, '--no-progress'], { cwd: dir, timeoutMs: LIMIT_MS, measureMemory: true });
  expect(r.timedOut, `${file}: no exit within ${LIMIT_MS} ms`).toBe(false);
  expect(r.stderr, `${file}: stack trace in stderr`).not.toMatch(/^ {4}at /m);
  expect(r.peakMb, `${file}: peak memory`).toBeLessThan(MEMORY_MB);
  return r;
}

/** A clean failure: exit 1 or 2 and a short `error:` message. */
function expectCleanFailure(r: RunResult, codes: readonly number[] = [1, 2]): void {
  expect(codes, `exit ${r.code}: ${r.stderr}`).toContain(r.code);
  expect(r.stderr).toMatch(/error/);
  expect(r.stderr.split('\n').filter((l) => l.trim()).length, r.stderr).toBeLessThanOrEqual(6);
}

async function lines(name: string): Promise<Array<Record<string, unknown>>> {
  const file = join(dir, name);
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function runSource(name: string, extract: string): Promise<RunResult> {
  await write(dir, `${name}.yml`, pipeline(name, extract));
  return run(`${name}.yml`);
}

describe('bad CSV / NDJSON / JSON inputs', () => {
  it('ragged CSV: good rows load, short and long rows go to the dead letter with file:line', async () => {
    const r = await runSource('ragged', '{ type: csv, path: ragged.csv }');
    expect(r.code, r.stderr).toBe(0);
    expect((await lines('ragged.out.ndjson')).map((x) => x['id'])).toEqual([1, 4]);
    expect((await lines('ragged.dl.ndjson')).map((x) => x['position'])).toEqual(['ragged.csv:3', 'ragged.csv:4']);
  });

  it('unterminated quote: the rows before it load, the rest is one reject with its start line', async () => {
    const r = await runSource('unterminated', '{ type: csv, path: unterminated-quote.csv }');
    expect(r.code, r.stderr).toBe(0);
    expect((await lines('unterminated.out.ndjson')).length).toBe(1);
    const dl = await lines('unterminated.dl.ndjson');
    expect(dl).toHaveLength(1);
    expect(dl[0]).toMatchObject({ position: 'unterminated-quote.csv:3', reason: expect.stringMatching(/unterminated/) });
  });

  it('invalid UTF-8: fails cleanly naming file:line, target not created', async () => {
    const r = await runSource('badutf8', '{ type: csv, path: invalid-utf8.csv }');
    expectCleanFailure(r, [1]);
    expect(r.stderr).toMatch(/invalid-utf8\.csv:2/);
    expect(existsSync(join(dir, 'badutf8.out.ndjson'))).toBe(false);
  });

  it('NUL bytes: kept as data (no row lost silently)', async () => {
    const r = await runSource('nul', '{ type: csv, path: nul-bytes.csv }');
    expect(r.code, r.stderr).toBe(0);
    const out = await lines('nul.out.ndjson');
    expect(out.map((x) => x['name'])).toEqual(['a\u0000b', '\u0000', 'ok']);
  });

  it('a 100 MB single field: no hang, memory bounded', async () => {
    const big = join(dir, 'huge.csv');
    await writeFile(big, 'id,name,amount\n1,"');
    const chunk = 'x'.repeat(1 << 20);
    const { appendFile } = await import('node:fs/promises');
    for (let i = 0; i < 100; i++) await appendFile(big, chunk);
    await appendFile(big, '",1.5\n2,b,2.5\n');
    const r = await runSource('huge', '{ type: csv, path: huge.csv }');
    expect([0, 1]).toContain(r.code);
    if (r.code === 0) expect((await lines('huge.out.ndjson')).length + (await lines('huge.dl.ndjson')).length).toBe(2);
  }, 90_000);

  it('NDJSON line of 30 MB between small lines: read exactly, in linear time', async () => {
    const parts = [];
    for (let i = 1; i <= 3000; i++) parts.push(JSON.stringify({ id: i, name: `n${i}` }));
    parts.push(JSON.stringify({ id: 3001, name: 'z'.repeat(30_000_000) }));
    for (let i = 3002; i <= 4000; i++) parts.push(JSON.stringify({ id: i, name: `n${i}` }));
    await write(dir, 'longline.ndjson', parts.join('\n') + '\n');
    const r = await runSource('longline', '{ type: ndjson, path: longline.ndjson }');
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(15_000);
    const out = await lines('longline.out.ndjson');
    expect(out.map((x) => x['id'])).toEqual(Array.from({ length: 4000 }, (_, i) => i + 1));
    expect((out[3000]!['name'] as string).length).toBe(30_000_000);
  }, 60_000);

  it('NDJSON truncated last line: complete lines load, the torn one is rejected with its line', async () => {
    const r = await runSource('ndtrunc', '{ type: ndjson, path: truncated-last-line.ndjson }');
    expect(r.code, r.stderr).toBe(0);
    expect((await lines('ndtrunc.out.ndjson')).length).toBe(2);
    expect((await lines('ndtrunc.dl.ndjson'))[0]).toMatchObject({ position: 'truncated-last-line.ndjson:3' });
  });

  it('JSON array truncated: fails cleanly, no partial target', async () => {
    const r = await runSource('jsontrunc', '{ type: json, path: truncated-array.json }');
    expectCleanFailure(r, [1]);
    expect(r.stderr).toMatch(/truncated-array\.json/);
    expect(existsSync(join(dir, 'jsontrunc.out.ndjson'))).toBe(false);
  });
});

describe('hostile XML', () => {
  it('XXE to a local file: never reads it', async () => {
    const r = await runSource('xxefile', '{ type: xml, path: xxe-local-file.xml, record_element: row }');
    expectCleanFailure(r, [1]);
    expect(r.stdout + r.stderr).not.toMatch(/root:/);
    expect(existsSync(join(dir, 'xxefile.out.ndjson')) ? await readFile(join(dir, 'xxefile.out.ndjson'), 'utf8') : '').not.toMatch(/root:/);
  });

  it('XXE to http://127.0.0.1 and a remote DTD: no request reaches the server', async () => {
    await write(dir, 'xxe-http.xml', `<?xml version="1.0"?>\n<!DOCTYPE rows [ <!ENTITY leak SYSTEM "http://127.0.0.1:${port}/entity"> ]>\n<rows><row><id>1</id><name>&leak;</name></row></rows>\n`);
    await write(dir, 'remote-dtd.xml', `<?xml version="1.0"?>\n<!DOCTYPE rows SYSTEM "http://127.0.0.1:${port}/remote.dtd">\n<rows><row><id>1</id><name>&leak;</name></row></rows>\n`);
    await write(dir, 'param-entity.xml', `<?xml version="1.0"?>\n<!DOCTYPE rows [ <!ENTITY % ext SYSTEM "http://127.0.0.1:${port}/param.dtd"> %ext; ]>\n<rows><row><id>1</id></row></rows>\n`);
    for (const f of ['xxe-http.xml', 'remote-dtd.xml', 'param-entity.xml']) {
      const name = f.replace(/\W/g, '_');
      const r = await runSource(name, `{ type: xml, path: ${f}, record_element: row }`);
      expect([0, 1], `${f}: ${r.stderr}`).toContain(r.code);
      expect(r.stdout + r.stderr).not.toContain('FETCHED-REMOTE');
    }
    expect(hits).toEqual([]);
  });

  it('billion laughs: refused quickly with bounded memory', async () => {
    const r = await runSource('lol', '{ type: xml, path: billion-laughs.xml, record_element: row }');
    expectCleanFailure(r, [1]);
    expect(r.ms).toBeLessThan(10_000);
  });
});

describe('damaged Parquet (parquet-testing/bad_data)', () => {
  it('every file fails cleanly or reads; never hangs, crashes or leaks a stack', async () => {
    const files = (await readdir(PARQUET_BAD)).filter((f) => f.endsWith('.parquet'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      await copyFile(join(PARQUET_BAD, f), join(dir, f));
      const name = `pq_${f.replace(/\W/g, '_')}`;
      const r = await runSource(name, `{ type: parquet, path: ${f} }`);
      expect([0, 1], `${f}: ${r.stderr}`).toContain(r.code);
      if (r.code === 1) {
        expect(r.stderr, f).toMatch(new RegExp(`error: ${f.replace(/\./g, '\\.')}`));
        expect(existsSync(join(dir, `${name}.out.ndjson`)), f).toBe(false);
      }
    }
  }, 120_000);
});

describe('hostile pipeline files', () => {
  it('YAML alias bomb: exit 2 before expanding', async () => {
    const r = await run('yaml-alias-bomb.yml');
    expectCleanFailure(r, [2]);
    expect(r.stderr).toMatch(/yaml-alias-bomb\.yml:\d+:\d+/);
  });

  it('YAML duplicate keys: exit 2 with file:line:col', async () => {
    const r = await run('yaml-duplicate-keys.yml');
    expectCleanFailure(r, [2]);
    expect(r.stderr).toMatch(/yaml-duplicate-keys\.yml:5:1: error: duplicate key/);
  });

  it('hostile expression: rejected at validation, the process is never reached', async () => {
    const r = await run('hostile-expression.yml');
    expectCleanFailure(r, [2]);
    expect(r.code).not.toBe(7);
    expect(existsSync(join(dir, 'out.ndjson'))).toBe(false);
  });

  it('a 10 MB+ pipeline file: loads or is refused cleanly, bounded memory', async () => {
    const fields: string[] = [];
    let size = 0;
    for (let i = 0; size < 10_500_000; i++) {
      fields.push(`      f${i}: "'${'y'.repeat(200)}'"\n`);
      size += fields[i]!.length;
    }
    await write(dir, 'huge-pipeline.yml', `version: 1\nname: hugepipe\nextract: { type: csv, path: ragged.csv }\ntransform:\n  - type: derive\n    fields:\n${fields.join('')}load: { type: ndjson, path: hugepipe.out.ndjson }\n`);
    const r = await runCli(['validate', 'huge-pipeline.yml'], { cwd: dir, timeoutMs: LIMIT_MS, measureMemory: true });
    expect(r.timedOut).toBe(false);
    expect([0, 2], r.stderr.slice(0, 2000)).toContain(r.code);
    expect(r.stderr).not.toMatch(/^ {4}at /m);
    expect(r.peakMb).toBeLessThan(MEMORY_MB);
  }, 60_000);
});
