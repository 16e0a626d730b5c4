import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, removeTempDirs, tempDir, write } from './helpers.js';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

interface Exposition {
  readonly types: Map<string, string>;
  readonly help: Map<string, string>;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|NaN|[+-]Inf)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}=${LABEL_VALUE})(?:,${LABEL}=${LABEL_VALUE})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
const PAIR = new RegExp(`(${LABEL})=(${LABEL_VALUE})`, 'g');

function unescape(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/**
 * A strict parser of the Prometheus text exposition format (0.0.4): every line is a HELP, a
 * TYPE or a sample matching the grammar; every sample's metric has a TYPE declared before it;
 * a family's samples are contiguous; no series appears twice; the text ends with a newline.
 */
function parseExposition(text: string): Exposition {
  expect(text.endsWith('\n')).toBe(true);
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  const series = new Set<string>();
  const closed = new Set<string>();
  let current: string | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      expect(name, line).toMatch(new RegExp(`^${NAME}$`));
      const map = kind === 'HELP' ? help : types;
      expect(map.has(name), `second ${kind} for ${name}`).toBe(false);
      if (kind === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped'], line).toContain(rest);
        expect(samples.some((s) => s.name === name), `TYPE after samples of ${name}`).toBe(false);
      }
      map.set(name, rest);
      continue;
    }
    expect(line.startsWith('#'), `unknown comment line: ${line}`).toBe(false);
    const m = SAMPLE.exec(line);
    expect(m, `not a sample line: ${JSON.stringify(line)}`).not.toBeNull();
    const [, name, labelText = '', value] = m as unknown as [string, string, string | undefined, string];
    expect(types.has(name), `sample of ${name} without a TYPE`).toBe(true);
    if (name !== current) {
      expect(closed.has(name), `samples of ${name} are not contiguous`).toBe(false);
      if (current) closed.add(current);
      current = name;
    }
    const labels: Record<string, string> = {};
    for (const [, k, v] of labelText.matchAll(PAIR)) {
      expect(labels[k!], `label ${k} twice`).toBeUndefined();
      labels[k!] = unescape(v!);
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    expect(series.has(key), `duplicate series ${key}`).toBe(false);
    series.add(key);
    samples.push({ name, labels, value: Number(value.replace('Inf', 'Infinity')) });
  }
  return { types, help, samples };
}

function total(e: Exposition, name: string): number {
  return e.samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
}

function only(e: Exposition, name: string): Sample | undefined {
  const found = e.samples.filter((s) => s.name === name);
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0];
}

interface Report {
  pipeline: string; rows_read: number; rows_written: number; rows_rejected: number; ms: number; retries?: number; exit_code: number; finished_at?: string;
}

/** The metrics file says what the --report JSON of the same run says. */
function expectSameFigures(e: Exposition, report: Report): void {
  for (const s of e.samples) expect(s.labels['pipeline']).toBe(report.pipeline);
  expect(total(e, 'etl_rows_read_total')).toBe(report.rows_read);
  expect(total(e, 'etl_rows_written_total')).toBe(report.rows_written);
  expect(total(e, 'etl_rows_rejected_total')).toBe(report.rows_rejected);
  expect(only(e, 'etl_run_duration_seconds')?.value).toBeCloseTo((report.ms ?? 0) / 1000, 3);
  expect(only(e, 'etl_retries_total')?.value).toBe(report.retries ?? 0);
  expect(only(e, 'etl_last_run_exit_code')?.value).toBe(report.exit_code);
  for (const name of ['etl_rows_read_total', 'etl_rows_written_total', 'etl_rows_rejected_total', 'etl_retries_total']) expect(e.types.get(name)).toBe('counter');
  for (const name of ['etl_run_duration_seconds', 'etl_last_run_exit_code']) expect(e.types.get(name)).toBe('gauge');
}

const CSV = 'id,name,amount\n' + Array.from({ length: 10 }, (_, i) => `${i + 1},"name ""${i + 1}""",${i}.5`).join('\n') + '\n';
const PIPELINE = (name: string, input = 'data.csv') => `version: 1
name: ${name}
extract: { type: csv, path: ${input} }
transform:
  - type: filter
    where: id <= 7
    reject: true
load: { type: ndjson, path: out/${name}.ndjson }
errors: { dead_letter: rejects/${name}.ndjson }
`;

interface Received {
  method: string;
  url: string;
  type: string;
  body: string;
}

function gateway(status = 200): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', type: String(req.headers['content-type']), body });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? '' : 'push rejected');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received })));
}

describe('--metrics-file and --metrics-push (built bin)', () => {
  let dir = '';
  const servers: Server[] = [];
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir('etl-metrics-');
    await write(dir, 'data.csv', CSV);
    await write(dir, 'ok.yml', PIPELINE('metrics_ok'));
    await write(dir, 'fails.yml', PIPELINE('metrics_fail', 'no-such-file.csv'));
    await write(dir, 'odd.yml', PIPELINE('odd.name-1'));
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await removeTempDirs();
  });

  it('a successful run writes valid exposition text whose figures equal the --report JSON', async () => {
    const r = await cli(['run', 'ok.yml', '--metrics-file', 'ok.prom', '--report', 'ok.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const e = parseExposition(await readFile(join(dir, 'ok.prom'), 'utf8'));
    const report = JSON.parse(await readFile(join(dir, 'ok.json'), 'utf8')) as Report;
    expect(report).toMatchObject({ rows_read: 10, rows_written: 7, rows_rejected: 3 });
    expectSameFigures(e, report);
    expect(e.samples).toContainEqual({ name: 'etl_rows_read_total', labels: { pipeline: 'metrics_ok', stage: 'extract csv' }, value: 10 });
    expect(e.samples).toContainEqual({ name: 'etl_rows_rejected_total', labels: { pipeline: 'metrics_ok', stage: 'transform[0] filter' }, value: 3 });
    expect(only(e, 'etl_last_success_timestamp_seconds')?.value).toBe(Math.round(Date.parse(report.finished_at!) / 1000));
    for (const name of e.types.keys()) expect(e.help.has(name), `HELP for ${name}`).toBe(true);
  });

  it('a failed run writes the same format with its exit code and no last-success time', async () => {
    const r = await cli(['run', 'fails.yml', '--metrics-file', 'fail.prom', '--report', 'fail.json'], { cwd: dir });
    expect(r.code).toBe(1);
    const e = parseExposition(await readFile(join(dir, 'fail.prom'), 'utf8'));
    const report = JSON.parse(await readFile(join(dir, 'fail.json'), 'utf8')) as Report;
    expect(report.exit_code).toBe(1);
    expectSameFigures(e, { rows_read: 0, rows_written: 0, rows_rejected: 0, ms: 0, ...report });
    expect(e.samples.some((s) => s.name === 'etl_last_success_timestamp_seconds')).toBe(false);
  });

  it('PUTs the same text to a Pushgateway at /metrics/job/etl-cli/pipeline/<name>', async () => {
    const gw = await gateway();
    servers.push(gw.server);
    const r = await cli(['run', 'odd.yml', '--metrics-push', `${gw.url}/`, '--metrics-file', 'odd.prom'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(gw.received).toHaveLength(1);
    const [push] = gw.received;
    expect(push).toMatchObject({ method: 'PUT', url: '/metrics/job/etl-cli/pipeline/odd.name-1' });
    expect(push!.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(push!.body).toBe(await readFile(join(dir, 'odd.prom'), 'utf8'));
    parseExposition(push!.body);
  });

  it('a failed push is a warning and never changes the exit code', async () => {
    const gw = await gateway(500);
    servers.push(gw.server);
    const refused = await cli(['run', 'ok.yml', '--metrics-push', gw.url], { cwd: dir });
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stderr).toMatch(/warning: pushing metrics to http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/etl-cli\/pipeline\/metrics_ok failed: HTTP 500 push rejected/);
    const closed = await gateway();
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const down = await cli(['run', 'fails.yml', '--metrics-push', closed.url], { cwd: dir });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/warning: pushing metrics to .* failed: ECONNREFUSED/);
  });
});
