import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { CheckContext, ConnectorDefinition, SinkPlan, SourceContext } from '../../connectors/define.js';
import type { TransformDefinition } from '../../transforms/define.js';
import { ConnectorError, InterruptedError } from '../errors.js';
import type { EtlEvent } from '../events.js';
import type { ErrorPolicy, Plan } from '../plan/types.js';
import type { RecordBatch, RecordSchema, Row } from '../records/types.js';
import { SecretRegistry } from '../secrets.js';
import { writeWatermark } from '../state/index.js';
import { checkPipeline, debugPipeline, dryRunPipeline } from './index.js';
import type { DebugStageSnapshot } from './types.js';

// ---- test connectors: a source, a rejecting transform, a sink whose apply must never run ----
const schema: RecordSchema = { columns: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }] };
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `n${i + 1}` }));
let seenWindow: SourceContext['incremental'];

const source = (data: Row[], opts: { slow?: boolean } = {}) => ({
  name: 'memory', summary: '', docs: '', status: 'experimental', examples: [],
  source: { options: Type.Object({}), capabilities: { incremental: true, knows_schema: true } },
  load: async () => ({
    checkConnection: async (conn: Record<string, unknown>, ctx: CheckContext) =>
      conn.host === 'down' ? [ctx.issue(ctx.path, 'E_CONNECT', 'cannot connect to down:5432 as bob:hunter2')] : [],
    source: {
      describe: async () => ({ summary: 'memory rows', statements: ['SELECT * FROM t'] }),
      check: async () => { throw new ConnectorError('E_NO_TABLE', 'table t does not exist', { hint: 'create it' }); },
      async *read(_o: Record<string, unknown>, ctx: SourceContext): AsyncGenerator<RecordBatch> {
        seenWindow = ctx.incremental;
        for (let i = 0; i < data.length; i += 3) {
          if (opts.slow) await new Promise((r) => setTimeout(r, 10));
          const part = data.slice(i, i + 3);
          yield { schema, rows: part, origin: part.map((_, k) => ({ file: 'in.csv', line: i + k + 2 })) };
        }
      },
    },
  }),
}) as unknown as ConnectorDefinition;

const applied: string[] = [];
const sink = {
  name: 'planner', summary: '', docs: '', status: 'experimental', examples: [],
  sink: { options: Type.Object({}), capabilities: { modes: ['append'], transactional: true, atomic_replace: false } },
  load: async () => ({
    sink: {
      check: async (o: Record<string, unknown>, ctx: CheckContext) => (o.table === 'missing' ? [ctx.issue(`${ctx.path}/table`, 'E_NO_TABLE', 'table missing does not exist')] : []),
      plan: async (o: Record<string, unknown>, s: RecordSchema, ctx: { pipeline: { dir: string } }): Promise<SinkPlan> => ({
        target: resolve(ctx.pipeline.dir, String(o.table)), mode: 'append', steps: ['insert rows'],
        statements: [`CREATE TABLE ${String(o.table)} (${s.columns.map((c) => c.name).join(', ')})`], internal: { secret: 'x' },
      }),
      apply: async (p: SinkPlan) => { applied.push(p.target); return { rows_written: 0, target: p.target }; },
    },
  }),
} as unknown as ConnectorDefinition;

const rejectOdd = {
  name: 'reject_odd', summary: '', docs: '', status: 'experimental', options: Type.Object({}), stateful: false, examples: [],
  load: async () => ({
    create: (_o: unknown, ctx: { reject: (r: object) => void }) => async function* (input: AsyncIterable<RecordBatch>) {
      for await (const b of input) {
        yield { schema: b.schema, rows: b.rows.filter((row, i) => Number(row.id) % 2 === 0 || (ctx.reject({ record: row, reason: 'odd id', rule: 'even', position: b.origin?.[i] }), false)) };
      }
    },
  }),
} as unknown as TransformDefinition;

function makePlan(dir: string, data: Row[], o: { errors?: ErrorPolicy; slow?: boolean; loads?: string[]; host?: string } = {}): Plan {
  const connection = { name: 'db', type: 'memory', options: { host: o.host ?? 'up' }, location: { file: 'p.yml', line: 3, col: 5 } };
  return {
    name: 'orders', file: join(dir, 'p.yml'), dir, vars: {}, connections: { db: connection },
    extract: { path: '/extract', label: 'extract memory', options: {}, definition: source(data, o), connection, batch_size: 3, incremental: { column: 'id', initial: '0' }, location: { file: 'p.yml', line: 6, col: 3 } },
    transforms: [{ path: '/transform/0', label: 'transform[0] reject_odd', options: {}, definition: rejectOdd }],
    loads: (o.loads ?? ['t_out']).map((table, i) => ({ path: `/load/${i}`, label: `load[${i}] planner`, options: { table }, definition: sink, mode: 'append' as const, location: { file: 'p.yml', line: 12 + i, col: 3 } })),
    errors: o.errors ?? { dead_letter: 'rejects/{run_id}.ndjson' },
    retry: { attempts: 1, initial_secs: 0.01, max_secs: 0.01, jitter: 0 },
    state: { dir: join(dir, '.etl-cli') },
    secrets: new SecretRegistry(),
  };
}

/** every file under dir with its size, mtime and bytes: proves nothing was written. */
function snapshotTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((f) => {
    const p = join(dir, f);
    const st = statSync(p);
    return st.isDirectory() ? `${f}/` : `${f} ${st.size} ${st.mtimeMs} ${readFileSync(p, 'base64')}`;
  });
}

let dir: string;
let events: EtlEvent[];
const base = () => ({ signal: new AbortController().signal, events: (e: EtlEvent) => events.push(e) });
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'etl-preview-'));
  events = [];
  applied.length = 0;
});

describe('dryRunPipeline', () => {
  it('extracts and transforms everything, plans the sinks, and writes nothing at all', async () => {
    writeFileSync(join(dir, 'p.yml'), 'name: orders\n');
    const before = snapshotTree(dir);
    const report = await dryRunPipeline(makePlan(dir, rows(10), { errors: { dead_letter: 'rejects/x.ndjson', max_rejects: { count: 1 } }, loads: ['a', 'b'] }), base());
    expect(snapshotTree(dir)).toEqual(before);
    expect(applied).toEqual([]);
    expect(report).toMatchObject({
      pipeline: 'orders', source: { summary: 'memory rows', statements: ['SELECT * FROM t'] }, watermark: { column: 'id', after: '0' },
      rows_read: 10, rows_out: 5, rows_rejected: 5, dead_letter: join(dir, 'rejects/x.ndjson'),
      schema: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }],
      rejects_exceeded: 'more than 1 rows rejected (errors.max_rejects: 1)',
    });
    expect(report.sinks).toEqual([
      { target: join(dir, 'a'), mode: 'append', steps: ['insert rows'], statements: ['CREATE TABLE a (id, name)'], stage: 'load[0] planner', rows: 5 },
      { target: join(dir, 'b'), mode: 'append', steps: ['insert rows'], statements: ['CREATE TABLE b (id, name)'], stage: 'load[1] planner', rows: 5 },
    ]);
    expect(report.stages.map((s) => [s.stage, s.rows_in, s.rows_out, s.rejected])).toEqual([['extract memory', 10, 10, 0], ['transform[0] reject_odd', 10, 5, 5]]);
    expect(report.rejects?.[0]).toEqual({ stage: 'transform[0] reject_odd', reason: 'odd id', rule: 'even', position: 'in.csv:2', record: { id: 1, name: 'n1' } });
    expect(events).toContainEqual({ type: 'warning', message: expect.stringContaining('a run would fail') });
  });

  it('reads the stored watermark without writing, and honours limit', async () => {
    const plan = makePlan(dir, rows(10));
    await writeWatermark(plan, '4');
    const before = snapshotTree(dir);
    const report = await dryRunPipeline(plan, { ...base(), limit: 4 });
    expect(seenWindow).toEqual({ column: 'id', after: '4' });
    expect(report.watermark).toEqual({ column: 'id', after: '4' });
    expect(report.rows_read).toBe(4);
    expect(snapshotTree(dir)).toEqual(before);
  });

  it('stops with InterruptedError when aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 25);
    await expect(dryRunPipeline(makePlan(dir, rows(300), { slow: true }), { signal: ac.signal, events: () => {} })).rejects.toBeInstanceOf(InterruptedError);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('debugPipeline', () => {
  it('snapshots every stage on a sample and never applies', async () => {
    const snaps: DebugStageSnapshot[] = [];
    const before = snapshotTree(dir);
    await debugPipeline(makePlan(dir, rows(500)), { ...base(), sample_size: 2, on_stage: async (s) => { snaps.push(s); } });
    expect(snapshotTree(dir)).toEqual(before);
    expect(applied).toEqual([]);
    expect(snaps.map((s) => [s.index, s.stage, s.kind, s.rows])).toEqual([[0, 'extract memory', 'extract', 100], [1, 'transform[0] reject_odd', 'transform', 50], [2, 'load[0] planner', 'load', 50]]);
    expect(snaps[0]!.sample).toEqual(rows(2));
    expect(snaps[1]!.sample).toEqual([{ id: 2, name: 'n2' }, { id: 4, name: 'n4' }]);
    expect(snaps[1]!.rejects).toHaveLength(50);
    expect(snaps[1]!.rejects[0]).toEqual({ reason: 'odd id', rule: 'even', position: 'in.csv:2', record: { id: 1, name: 'n1' } });
    expect(snaps[2]!.sink_plan).toEqual({ target: join(dir, 't_out'), mode: 'append', steps: ['insert rows'], statements: ['CREATE TABLE t_out (id, name)'] });
    expect(snaps[2]!.schema).toEqual([{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }]);
  });

  it('stop_after stops after that stage', async () => {
    const snaps: DebugStageSnapshot[] = [];
    await debugPipeline(makePlan(dir, rows(7)), { ...base(), limit: 5, stop_after: 0, on_stage: async (s) => { snaps.push(s); } });
    expect(snaps.map((s) => [s.index, s.rows])).toEqual([[0, 5]]);
  });
});

describe('checkPipeline', () => {
  it('checks connections and stages; thrown errors become issues at the stage, secrets redacted', async () => {
    const plan = makePlan(dir, rows(1), { host: 'down', loads: ['missing'] });
    plan.secrets.add('hunter2');
    const issues = await checkPipeline(plan, { signal: new AbortController().signal });
    expect(issues).toEqual([
      { severity: 'error', code: 'E_CONNECT', path: '/connections/db', message: 'cannot connect to down:5432 as bob:***', location: { file: 'p.yml', line: 3, col: 5 } },
      // the extract uses the unreachable connection: not checked again
      { severity: 'error', code: 'E_NO_TABLE', path: '/load/0/table', message: 'table missing does not exist', location: { file: 'p.yml', line: 12, col: 3 } },
    ]);
    const up = await checkPipeline(makePlan(dir, rows(1)), { signal: new AbortController().signal });
    expect(up).toEqual([{ severity: 'error', code: 'E_NO_TABLE', path: '/extract', message: 'table t does not exist', hint: 'create it', location: { file: 'p.yml', line: 6, col: 3 } }]);
  });
});
