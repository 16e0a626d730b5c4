import { describe, it, expect, beforeEach } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { ConnectorDefinition, IncrementalWindow, SinkPlan, SourceContext } from '../../connectors/define.js';
import type { TransformDefinition } from '../../transforms/define.js';
import { DataQualityError, InterruptedError, LockHeldError, RunError } from '../errors.js';
import type { EtlEvent } from '../events.js';
import type { ErrorPolicy, IncrementalPlan, Plan } from '../plan/types.js';
import type { RecordBatch, RecordSchema, Row } from '../records/types.js';
import { SecretRegistry } from '../secrets.js';
import { acquireLock, readHistory, readState, writeWatermark } from '../state/index.js';
import { runPipeline, withRetry } from './index.js';
import type { RunFailure } from './index.js';
import type { RunOptions, RunReport } from './types.js';
import { compareWatermarks } from './watermark.js';

// ---- small connectors built for these tests ----------------------------------------------------
interface SourceSpec { rows: Row[]; batch?: number; fail_at?: number; delay_ms?: number; flaky?: number }
const windows: (IncrementalWindow | undefined)[] = [];
const schemaOf = (row: Row | undefined): RecordSchema => ({ columns: Object.keys(row ?? {}).map((name) => ({ name, type: name === 'id' ? 'integer' : 'string' })) });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function inWindow(row: Row, w: IncrementalWindow | undefined): boolean {
  if (!w) return true;
  const v = row[w.column]!;
  return (w.after === undefined || compareWatermarks(v, w.after) > 0) && (w.until === undefined || compareWatermarks(v, w.until) <= 0);
}

async function* readRows(spec: SourceSpec, ctx: SourceContext): AsyncGenerator<RecordBatch> {
  windows.push(ctx.incremental);
  if (spec.flaky) {
    let failures = spec.flaky;
    await withRetry(async () => { if (failures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); }, { policy: ctx.retry, signal: ctx.signal, events: ctx.events, stage: ctx.stage });
  }
  const rows = spec.rows.filter((r) => inWindow(r, ctx.incremental));
  const schema = schemaOf(spec.rows[0]);
  if (rows.length === 0) yield { schema, rows: [] };
  const size = spec.batch ?? 2;
  for (let i = 0; i < rows.length; i += size) {
    if (spec.fail_at !== undefined && i >= spec.fail_at) throw new Error('disk on fire');
    if (spec.delay_ms) await pause(spec.delay_ms);
    const part = rows.slice(i, i + size);
    yield { schema, rows: part, origin: part.map((_, k) => ({ file: 'in.csv', line: i + k + 2 })) };
  }
}

const sourceDef = (spec: SourceSpec) => ({
  name: 'memory', summary: 'rows from memory', docs: '', status: 'experimental', examples: [],
  source: { options: Type.Object({}), capabilities: { incremental: true, knows_schema: true } },
  load: async () => ({ source: { read: (_o: Record<string, unknown>, ctx: SourceContext) => readRows(spec, ctx) } }),
}) as unknown as ConnectorDefinition;

/** writes NDJSON to <path>.tmp-<run_id>, renames on success; `fail_after` rows → throws. */
const sinkDef = {
  name: 'tmpfile', summary: 'file sink', docs: '', status: 'experimental', examples: [],
  sink: { options: Type.Object({}), capabilities: { modes: ['append'], transactional: true, atomic_replace: true } },
  load: async () => ({
    sink: {
      plan: async (o: Record<string, unknown>, _s: RecordSchema, ctx: { pipeline: { dir: string } }): Promise<SinkPlan> => {
        const target = resolve(ctx.pipeline.dir, String(o.path));
        return { target, mode: 'append', steps: [`write ${target}.tmp`, `rename to ${target}`], internal: o };
      },
      apply: async (plan: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: { signal: AbortSignal; pipeline: { run_id: string } }) => {
        const o = plan.internal as { fail_after?: number; delay_ms?: number };
        const tmp = `${plan.target}.tmp-${ctx.pipeline.run_id}`;
        let n = 0;
        try {
          await writeFile(tmp, '');
          for await (const batch of input) {
            if (ctx.signal.aborted) throw new Error('aborted');
            if (o.delay_ms) await pause(o.delay_ms);
            if (o.fail_after !== undefined && n + batch.rows.length > o.fail_after) throw new Error('target refused row');
            await appendFile(tmp, batch.rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
            n += batch.rows.length;
          }
          await rename(tmp, plan.target);
          return { rows_written: n, target: plan.target };
        } catch (err) {
          await rm(tmp, { force: true });
          throw err;
        }
      },
    },
  }),
} as unknown as ConnectorDefinition;

/** rejects rows with an odd id (with their source position), passes the rest. */
const rejectOdd = {
  name: 'reject_odd', summary: '', docs: '', status: 'experimental', options: Type.Object({}), stateful: false, examples: [],
  load: async () => ({
    create: (_o: Record<string, unknown>, ctx: { reject: (r: object) => void; events: (e: EtlEvent) => void; stage: string }) =>
      async function* (input: AsyncIterable<RecordBatch>) {
        let checked = 0;
        let failed = 0;
        for await (const b of input) {
          const keep: Row[] = [];
          b.rows.forEach((row, i) => {
            checked++;
            if (Number(row.id) % 2 === 0) return keep.push(row);
            failed++;
            ctx.reject({ record: row, reason: 'odd id', rule: 'even', column: 'id', ...(b.origin?.[i] ? { position: b.origin[i] } : {}) });
          });
          yield { schema: b.schema, rows: keep };
        }
        ctx.events({ type: 'quality.summary', stage: ctx.stage, rules: [{ stage: ctx.stage, rule: 'even', checked, failed, failure_rate: failed / checked, samples: [] }] });
      },
  }),
} as unknown as TransformDefinition;

interface PlanSpec { source: SourceSpec; transforms?: TransformDefinition[]; loads?: Record<string, unknown>[]; errors?: ErrorPolicy; incremental?: IncrementalPlan }
function makePlan(dir: string, o: PlanSpec): Plan {
  return {
    name: 'orders', file: join(dir, 'orders.yml'), dir, vars: {}, connections: {},
    extract: { path: '/extract', label: 'extract memory', options: {}, definition: sourceDef(o.source), batch_size: 2, ...(o.incremental ? { incremental: o.incremental } : {}) },
    transforms: (o.transforms ?? []).map((definition, i) => ({ path: `/transform/${i}`, label: `transform[${i}] ${definition.name}`, options: {}, definition })),
    loads: (o.loads ?? [{ path: 'out.ndjson' }]).map((options, i) => ({ path: `/load/${i}`, label: `load[${i}] tmpfile`, options, definition: sinkDef, mode: 'append' as const })),
    errors: o.errors ?? {},
    retry: { attempts: 3, initial_secs: 0.005, max_secs: 0.02, jitter: 0.1 },
    state: { dir: join(dir, '.etl-cli') },
    secrets: new SecretRegistry(),
  };
}

const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `n${i + 1}` }));
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

let dir: string;
let events: EtlEvent[];
const opts = (extra: Partial<RunOptions> = {}): RunOptions => ({ signal: new AbortController().signal, events: (e) => events.push(e), ...extra });
async function failure(p: Promise<unknown>): Promise<RunFailure> {
  return p.then(() => { throw new Error('expected the run to fail'); }, (e: RunFailure) => e);
}
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'etl-engine-'));
  events = [];
  windows.length = 0;
});

// ---- tests ---------------------------------------------------------------------------------------
describe('runPipeline: flow, counts, report', () => {
  it('streams rows through transforms into the sink and reports every stage', async () => {
    const source = { rows: [...rows(2), { id: 3, name: 'n3-secret' }, ...rows(5).slice(3)] };
    const plan = makePlan(dir, { source, transforms: [rejectOdd], errors: { dead_letter: 'rejects/{pipeline}-{date}.ndjson' } });
    plan.secrets.add('n3-secret');
    const report = await runPipeline(plan, opts());
    expect(lines(join(dir, 'out.ndjson'))).toEqual([{ id: 2, name: 'n2' }, { id: 4, name: 'n4' }]);
    expect(report).toMatchObject({ pipeline: 'orders', status: 'ok', exit_code: 0, rows_read: 5, rows_written: 2, rows_rejected: 3, retries: 0 });
    expect(report.run_id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    expect(report.stages.map((s) => [s.stage, s.kind, s.rows_in, s.rows_out, s.rejected])).toEqual([
      ['extract memory', 'extract', 5, 5, 0],
      ['transform[0] reject_odd', 'transform', 5, 2, 3],
      ['load[0] tmpfile', 'load', 2, 2, 0],
    ]);
    expect(report.targets).toEqual([{ stage: 'load[0] tmpfile', target: join(dir, 'out.ndjson'), mode: 'append', rows_written: 2 }]);
    expect(report.quality).toEqual([{ stage: 'transform[0] reject_odd', rule: 'even', checked: 5, failed: 3, failure_rate: 0.6, samples: [] }]);
    const dl = join(dir, 'rejects', `orders-${report.started_at.slice(0, 10)}.ndjson`);
    expect(report.dead_letter).toBe(dl);
    const rejected = lines(dl);
    expect(rejected[0]).toEqual({ run_id: report.run_id, stage: 'transform[0] reject_odd', reason: 'odd id', rule: 'even', column: 'id', position: 'in.csv:2', record: { id: 1, name: 'n1' } });
    expect(rejected[1]).toMatchObject({ position: 'in.csv:4', record: { id: 3, name: '***' } });
    expect(readdirSync(join(dir, 'rejects'))).toHaveLength(1); // no temp file left
    expect(existsSync(join(dir, '.etl-cli', 'orders.lock'))).toBe(false);
    expect(await readHistory(plan)).toMatchObject([{ run_id: report.run_id, status: 'ok', rows_read: 5, rows_written: 2, rows_rejected: 3, exit_code: 0 }]);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run.started');
    expect(types.at(-1)).toBe('run.finished');
    expect(events.filter((e) => e.type === 'rows.rejected')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'stage.finished')).toHaveLength(3);
  });

  it('fans out to two sinks with backpressure; all commit', async () => {
    const plan = makePlan(dir, { source: { rows: rows(20), batch: 1 }, loads: [{ path: 'a.ndjson' }, { path: 'b.ndjson', delay_ms: 2 }] });
    const report = await runPipeline(plan, opts());
    expect(lines(join(dir, 'a.ndjson'))).toEqual(rows(20));
    expect(lines(join(dir, 'b.ndjson'))).toEqual(rows(20));
    expect(report.targets.map((t) => t.rows_written)).toEqual([20, 20]);
    expect(report.rows_written).toBe(40);
  });

  it('stops after --limit source rows', async () => {
    const report = await runPipeline(makePlan(dir, { source: { rows: rows(9), batch: 4 } }), opts({ limit: 5 }));
    expect(report.rows_read).toBe(5);
    expect(lines(join(dir, 'out.ndjson'))).toEqual(rows(5));
  });

  it('plans and applies an empty source (the sink writes an empty target)', async () => {
    const report = await runPipeline(makePlan(dir, { source: { rows: [] } }), opts());
    expect(report).toMatchObject({ rows_read: 0, rows_written: 0, status: 'ok' });
    expect(readFileSync(join(dir, 'out.ndjson'), 'utf8')).toBe('');
  });

  it('counts retry.scheduled events into retries', async () => {
    const report = await runPipeline(makePlan(dir, { source: { rows: rows(2), flaky: 2 } }), opts());
    expect(report.retries).toBe(2);
    expect(events.filter((e) => e.type === 'retry.scheduled')).toMatchObject([{ stage: 'extract memory', attempt: 1 }, { attempt: 2 }]);
  });
});

describe('runPipeline: rejects and max_rejects', () => {
  it('max_rejects count: exit 3 as soon as exceeded, target untouched, dead letter kept', async () => {
    const plan = makePlan(dir, { source: { rows: rows(40) }, transforms: [rejectOdd], errors: { dead_letter: 'bad.ndjson', max_rejects: { count: 2 } } });
    const err = await failure(runPipeline(plan, opts()));
    expect(err).toBeInstanceOf(DataQualityError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain('more than 2 rows rejected');
    expect(err.report).toMatchObject({ status: 'rejects_exceeded', exit_code: 3, rows_rejected: 3 });
    expect(existsSync(join(dir, 'out.ndjson'))).toBe(false);
    expect(lines(join(dir, 'bad.ndjson'))).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(['.etl-cli', 'bad.ndjson']);
  });

  it('max_rejects fraction: checked before the sink commits', async () => {
    const plan = makePlan(dir, { source: { rows: rows(10) }, transforms: [rejectOdd], errors: { max_rejects: { fraction: 0.1 } } });
    const err = await failure(runPipeline(plan, opts()));
    expect(err).toBeInstanceOf(DataQualityError);
    expect(err.message).toBe('5 of 10 rows rejected (50%), more than errors.max_rejects (10%)');
    expect(readdirSync(dir)).toEqual(['.etl-cli']);
    const ok = makePlan(dir, { source: { rows: rows(10) }, transforms: [rejectOdd], errors: { max_rejects: { fraction: 0.5 } } });
    expect((await runPipeline(ok, opts())).rows_written).toBe(5);
  });
});

describe('runPipeline: failures and abort', () => {
  const inc: IncrementalPlan = { column: 'id', initial: '0' };

  it('a failing sink leaves no target and does not move the watermark', async () => {
    const plan = makePlan(dir, { source: { rows: rows(10) }, loads: [{ path: 'out.ndjson', fail_after: 3 }], incremental: inc });
    const err = await failure(runPipeline(plan, opts()));
    expect(err).toBeInstanceOf(RunError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe('writing load[0] tmpfile: target refused row');
    expect(err.where).toEqual({ stage: 'load[0] tmpfile' });
    expect(err.report).toMatchObject({ status: 'failed', exit_code: 1, watermark: { column: 'id' }, error: { code: 'E_RUN' } });
    expect(err.report?.watermark?.saved).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['.etl-cli']);
    expect(await readState(plan)).toBeUndefined();
    expect(readdirSync(plan.state.dir)).toEqual(['orders.runs.ndjson']);
    expect((await readHistory(plan))[0]).toMatchObject({ status: 'failed', exit_code: 1 });
  });

  it('one failing sink of two aborts the other: no target at all', async () => {
    const plan = makePlan(dir, { source: { rows: rows(30), batch: 1 }, loads: [{ path: 'a.ndjson' }, { path: 'b.ndjson', fail_after: 3 }] });
    const err = await failure(runPipeline(plan, opts()));
    expect(err.message).toBe('writing load[1] tmpfile: target refused row');
    expect(readdirSync(dir)).toEqual(['.etl-cli']);
  });

  it('a source error names the stage', async () => {
    const err = await failure(runPipeline(makePlan(dir, { source: { rows: rows(10), fail_at: 4 } }), opts()));
    expect(err.message).toBe('reading extract memory: disk on fire');
    expect(err.where).toEqual({ stage: 'extract memory' });
    expect(readdirSync(dir)).toEqual(['.etl-cli']);
  });

  it('abort → InterruptedError (130), no target, lock released', async () => {
    const ac = new AbortController();
    const plan = makePlan(dir, { source: { rows: rows(100), batch: 1, delay_ms: 5 } });
    setTimeout(() => ac.abort(), 40);
    const err = await failure(runPipeline(plan, opts({ signal: ac.signal })));
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(130);
    expect(err.report?.status).toBe('interrupted');
    expect(readdirSync(dir)).toEqual(['.etl-cli']);
    expect(existsSync(join(plan.state.dir, 'orders.lock'))).toBe(false);
  });

  it('exits 4 when another run holds the lock, before touching anything', async () => {
    const plan = makePlan(dir, { source: { rows: rows(3) } });
    const held = await acquireLock(plan, { run_id: 'other' });
    const err = await failure(runPipeline(plan, opts()));
    expect(err).toBeInstanceOf(LockHeldError);
    expect(err.exitCode).toBe(4);
    expect(existsSync(join(dir, 'out.ndjson'))).toBe(false);
    expect(readdirSync(plan.state.dir)).toEqual(['orders.lock']);
    const forced = await runPipeline(plan, opts({ force: true }));
    expect(forced.rows_written).toBe(3);
    await held.release();
  });
});

describe('runPipeline: incremental', () => {
  const stamped = (ids: number[]): Row[] => ids.map((id) => ({ id, updated_at: `2024-01-${String(id).padStart(2, '0')}T10:00:00.000000Z` }));
  const inc: IncrementalPlan = { column: 'updated_at', initial: '2024-01-01T10:00:00.000000Z' };
  const run = async (plan: Plan, extra: Partial<RunOptions> = {}): Promise<RunReport> => runPipeline(plan, opts(extra));

  it('saves the max after commit and reads past it next time', async () => {
    const first = await run(makePlan(dir, { source: { rows: stamped([1, 2, 3]) }, incremental: inc }));
    expect(windows[0]).toEqual({ column: 'updated_at', after: '2024-01-01T10:00:00.000000Z' });
    expect(first.rows_read).toBe(2);
    expect(first.watermark).toEqual({ column: 'updated_at', saved: '2024-01-03T10:00:00.000000Z' });
    const plan = makePlan(dir, { source: { rows: stamped([1, 2, 3, 4, 5]) }, incremental: inc });
    const second = await run(plan);
    expect(windows[1]).toEqual({ column: 'updated_at', after: '2024-01-03T10:00:00.000000Z' });
    expect(second.rows_read).toBe(2);
    expect(second.watermark).toEqual({ column: 'updated_at', previous: '2024-01-03T10:00:00.000000Z', saved: '2024-01-05T10:00:00.000000Z' });
    expect(await readState(plan)).toMatchObject({ watermark: '2024-01-05T10:00:00.000000Z', column: 'updated_at', run_id: second.run_id });
    expect(events.filter((e) => e.type === 'checkpoint.saved')).toHaveLength(2);
  });

  it('lookback re-reads before the watermark but never moves it back', async () => {
    const plan = makePlan(dir, { source: { rows: stamped([1, 2, 3]) }, incremental: { ...inc, lookback: 'P1D' } });
    await writeWatermark(plan, '2024-01-03T12:00:00.000000Z');
    const report = await run(plan);
    expect(windows[0]?.after).toBe('2024-01-02T12:00:00.000000Z');
    expect(report.rows_read).toBe(1);
    expect(report.watermark?.saved).toBe('2024-01-03T12:00:00.000000Z');
  });

  it('full_refresh reads without a lower bound and saves the new max', async () => {
    const plan = makePlan(dir, { source: { rows: stamped([1, 2]) }, incremental: inc });
    await writeWatermark(plan, '2024-01-09T00:00:00.000000Z');
    const report = await run(plan, { full_refresh: true });
    expect(windows[0]).toEqual({ column: 'updated_at' });
    expect(report.rows_read).toBe(2);
    expect((await readState(plan))?.watermark).toBe('2024-01-02T10:00:00.000000Z');
  });

  it('from/to sets an explicit window and leaves the stored watermark alone', async () => {
    const plan = makePlan(dir, { source: { rows: stamped([1, 2, 3, 4, 5]) }, incremental: inc });
    await writeWatermark(plan, '2024-01-05T10:00:00.000000Z');
    const report = await run(plan, { from: '2024-01-01T12:00:00Z', to: '2024-01-03T10:00:00Z' });
    expect(windows[0]).toEqual({ column: 'updated_at', after: '2024-01-01T12:00:00Z', until: '2024-01-03T10:00:00Z' });
    expect(report.rows_read).toBe(2);
    expect(report.watermark).toEqual({ column: 'updated_at', previous: '2024-01-05T10:00:00.000000Z' });
    expect((await readState(plan))?.watermark).toBe('2024-01-05T10:00:00.000000Z');
  });

  it('compares numeric watermarks numerically', async () => {
    const plan = makePlan(dir, { source: { rows: [{ id: 9 }, { id: 10 }, { id: 2 }] }, incremental: { column: 'id' } });
    expect((await run(plan)).watermark?.saved).toBe('10');
  });
});
