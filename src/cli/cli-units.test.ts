import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineConnector, type ConnectorDefinition } from '../connectors/define.js';
import { UsageError } from '../core/errors.js';
import type { RunReport } from '../core/engine/types.js';
import type { Registry } from '../registry.js';
import { resolveEndpoint } from './commands/copy-endpoint.js';
import { answerFields, coerce, requiredFields, secretValue, setPath } from './commands/create/from-schema.js';
import { renderConnectorDocs } from './render/connector-docs.js';
import { cellText, NULL_CELL } from './render/debug.js';
import { formatIssues, toEtlError } from './render/error.js';
import { renderMetrics } from './render/metrics.js';
import { pushMetrics, pushUrl } from './render/metrics-push.js';
import { renderRunSummary } from './render/summary.js';
import { optionRows, typeLabel, type JsonSchema } from './render/schema-options.js';
import { renderTable, truncate } from './render/table.js';

const fileConn = defineConnector({
  name: 'tsv',
  summary: 'tab files',
  docs: '',
  status: 'beta',
  source: {
    options: Type.Object({
      path: Type.String({ description: 'file to read' }),
      header: Type.Optional(Type.Boolean({ default: true })),
      quoting: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('none')], { default: 'none' })),
    }),
    capabilities: { incremental: false, knows_schema: false },
  },
  sink: { options: Type.Object({ path: Type.String() }), capabilities: { modes: ['overwrite'], transactional: false, atomic_replace: true } },
  examples: [],
  extensions: ['.tsv', '.tsv.gz'],
  load: () => Promise.reject(new Error('not loaded in unit tests')),
});

const dbConn = defineConnector({
  name: 'pgx',
  summary: 'a database',
  docs: '',
  status: 'beta',
  connection: Type.Object({ host: Type.String(), password: Type.Optional(Type.String({ writeOnly: true })) }),
  source: { options: Type.Object({ query: Type.Optional(Type.String()) }), capabilities: { incremental: true, knows_schema: true } },
  examples: [],
  url_schemes: ['pgx'],
  connectionFromUrl: (url: string) => {
    const u = new URL(url);
    return { host: u.hostname, password: decodeURIComponent(u.password) };
  },
  load: () => Promise.reject(new Error('not loaded in unit tests')),
});

const defs = [fileConn, dbConn] as unknown as ConnectorDefinition[];
const registry: Registry = {
  connectors: defs,
  transforms: [],
  connector: (n) => defs.find((d) => d.name === n),
  transform: () => undefined,
};

describe('schema options', () => {
  it('lists required first with types, defaults and enums', () => {
    const rows = optionRows(fileConn.source?.options as unknown as JsonSchema);
    expect(rows.map((r) => r.key)).toEqual(['path', 'header', 'quoting']);
    expect(rows[0]).toMatchObject({ required: true, type: 'string', description: 'file to read' });
    expect(rows[2]).toMatchObject({ type: '"all" | "none"', default: '"none"', choices: ['all', 'none'] });
    expect(typeLabel({ type: 'array', items: { type: 'string' } })).toBe('string[]');
  });

  it('renders README markdown with an options table per role', () => {
    const md = renderConnectorDocs(registry);
    expect(md).toContain('### tsv');
    expect(md).toContain('| `path` | string |  | yes | file to read |');
    expect(md).toContain('| `quoting` | "all" \\| "none" | `"none"` |  |  |');
    expect(md).toContain('**Connection options (`connections:`)**');
  });
});

describe('tables and cells', () => {
  it('aligns columns and truncates long cells', () => {
    const lines = renderTable(['a', 'count'], [['xyz', '5'], ['q', '1000']], { right: [1] });
    expect(lines).toEqual(['a    count', '---  -----', 'xyz      5', 'q     1000']);
    expect(truncate('x'.repeat(40))).toHaveLength(30);
    expect(cellText(null)).toBe(NULL_CELL);
    expect(cellText('')).toBe('""');
    expect(cellText(12n)).toBe('12');
  });

  it('wraps unknown errors as internal errors with a report line, exit 1', () => {
    const err = toEtlError(new TypeError('boom'));
    expect(err.code).toBe('E_INTERNAL');
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/^internal error: boom; please report at /);
    const usage = new UsageError('bad');
    expect(toEtlError(usage)).toBe(usage);
  });

  it('formats issues sorted by position with hints', () => {
    const lines = formatIssues([
      { severity: 'error', code: 'B', message: 'second', path: '/b', location: { file: 'p.yml', line: 9, col: 3 } },
      { severity: 'error', code: 'A', message: 'first', path: '/a', location: { file: 'p.yml', line: 2, col: 5 }, hint: 'fix it' },
    ]);
    expect(lines).toEqual(['p.yml:2:5: error: first', '  hint: fix it', 'p.yml:9:3: error: second']);
  });
});

describe('create from schema', () => {
  const fields = requiredFields(fileConn.source?.options as unknown as JsonSchema, 'extract', 'extract');

  it('asks only required options; --set answers them; missing ones name the flag', async () => {
    expect(fields.map((f) => f.path)).toEqual(['extract.path']);
    const answers = await answerFields(fields, new Map([['extract.path', 'a.tsv']]), undefined);
    expect(answers.get('extract.path')).toBe('a.tsv');
    await expect(answerFields(fields, new Map(), undefined)).rejects.toThrow(/missing required option extract\.path/);
  });

  it('coerces by schema type and never writes a secret value', () => {
    expect(coerce('12', { type: 'integer' }, 'x')).toBe(12);
    expect(coerce('yes', { type: 'boolean' }, 'x')).toBe(true);
    expect(coerce('a, b', { type: 'array' }, 'x')).toEqual(['a', 'b']);
    expect(() => coerce('1.5', { type: 'integer' }, 'x')).toThrow(UsageError);
    expect(secretValue('connections.db.password', 'DB_PW')).toBe('${env:DB_PW}');
    expect(() => secretValue('connections.db.password', 'hunter2!')).toThrow(/not written into the file/);
    const doc: Record<string, unknown> = {};
    setPath(doc, 'transform.0.where', 'a > 1');
    expect(doc).toEqual({ transform: [{ where: 'a > 1' }] });
  });
});

describe('copy endpoints', () => {
  it('picks connectors by the longest extension, by format, and by URL scheme', () => {
    expect(resolveEndpoint(registry, 'x/data.TSV.gz', undefined, 'from').def.name).toBe('tsv');
    expect(resolveEndpoint(registry, '-', 'tsv', 'to')).toMatchObject({ stdio: true, ext: '.tsv' });
    const db = resolveEndpoint(registry, 'pgx://u:pw%21x@h/db', undefined, 'from');
    expect(db.connection).toEqual({ type: 'pgx', host: 'h', password: '${env:ETL_COPY_FROM_PASSWORD}' });
    expect(db.env).toEqual({ ETL_COPY_FROM_PASSWORD: 'pw!x' });
  });

  it('an unknown format is a usage error listing the known extensions', () => {
    expect(() => resolveEndpoint(registry, 'a.xyz', undefined, 'to')).toThrow(UsageError);
    try {
      resolveEndpoint(registry, 'a.xyz', undefined, 'to');
    } catch (err) {
      expect((err as UsageError).hint).toMatch(/known extensions: \.tsv, \.tsv\.gz/);
    }
  });
});

describe('run summary and metrics', () => {
  const report: RunReport = {
    pipeline: 'orders', run_id: 'r1', status: 'ok', started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:02.000Z',
    ms: 2000, rows_read: 1500, rows_written: 1490, rows_rejected: 10, rows_per_sec: 750,
    stages: [
      { stage: 'extract csv', kind: 'extract', type: 'csv', rows_in: 1500, rows_out: 1500, rejected: 0, ms: 900, rows_per_sec: 1666.7 },
      { stage: 'load ndjson', kind: 'load', type: 'ndjson', rows_in: 1490, rows_out: 1490, rejected: 0, ms: 1100, rows_per_sec: 1354.5 },
    ],
    targets: [{ stage: 'load ndjson', target: 'out.ndjson', mode: 'overwrite', rows_written: 1490 }],
    dead_letter: 'rejects.ndjson', watermark: { column: 'updated_at', previous: '2025', saved: '2026' },
    retries: 0, quality: [], exit_code: 0,
  };

  it('prints an aligned stage table, totals, target, dead letter and watermark', () => {
    const lines = renderRunSummary(report);
    expect(lines[0]).toBe('stage        rows in  rows out  rejected    time  rows/s');
    expect(lines[2]).toBe('extract csv    1,500     1,500         0  900 ms   1,667');
    expect(lines).toContain('done: read 1,500, wrote 1,490, rejected 10 in 2.0 s (750 rows/s)');
    expect(lines).toContain('target: out.ndjson (overwrite, 1,490 rows)');
    expect(lines).toContain('dead letter: rejects.ndjson (10 rows)');
    expect(lines).toContain('watermark saved: updated_at = 2026 (was 2025)');
  });

  it('renders Prometheus text metrics whose per-stage figures add up to the report', () => {
    const text = renderMetrics(report);
    expect(text).toContain('# TYPE etl_rows_written_total counter');
    expect(text).toContain('etl_rows_read_total{pipeline="orders",stage="extract csv"} 1500');
    expect(text).toContain('etl_rows_written_total{pipeline="orders",stage="load ndjson"} 1490');
    // 10 rejects no stage accounts for: under stage="" so the family still sums to the total
    expect(text).toContain('etl_rows_rejected_total{pipeline="orders",stage=""} 10');
    expect(text).toContain('etl_last_run_exit_code{pipeline="orders"} 0');
    expect(text).toContain('etl_run_duration_seconds{pipeline="orders"} 2');
    expect(text).toContain('etl_last_success_timestamp_seconds{pipeline="orders"} 1767225602');
    const failed = renderMetrics({ pipeline: 'a "b"\\c\nd', status: 'failed', exit_code: 1 });
    expect(failed).not.toContain('etl_last_success_timestamp_seconds');
    expect(failed).toContain('etl_rows_read_total{pipeline="a \\"b\\"\\\\c\\nd",stage=""} 0');
  });

  it('gives up a push that gets no answer within the timeout, as a message (never a throw)', async () => {
    const { createServer } = await import('node:http');
    const server = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (server.address() as { port: number }).port;
      const started = Date.now();
      const failure = await pushMetrics(`http://127.0.0.1:${port}`, 'p', 'x 1\n', 300);
      expect(failure).toBe(`pushing metrics to http://127.0.0.1:${port}/metrics/job/etl-cli/pipeline/p failed: no answer within 0.3 s`);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await pushMetrics('not a url', 'p', 'x 1\n')).toBe('--metrics-push not a url: not a URL');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('builds Pushgateway URLs with safe grouping values', () => {
    expect(pushUrl('http://gw:9091/', 'orders_daily')).toBe('http://gw:9091/metrics/job/etl-cli/pipeline/orders_daily');
    expect(pushUrl('http://gw:9091', 'dir/p.yml')).toBe(`http://gw:9091/metrics/job/etl-cli/pipeline/${Buffer.from('dir/p.yml').toString('base64url')}@base64`);
  });
});
