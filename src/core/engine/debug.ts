import type { SinkPlan } from '../../connectors/define.js';
import type { Plan } from '../plan/types.js';
import type { RecordBatch, RecordSchema } from '../records/types.js';
import { makeRunId, pipelineInfo, sinkContext, sourceContext, transformContext } from './context.js';
import { openPreview } from './preview.js';
import { loadRuntimes } from './runtimes.js';
import { expandStreams, streamPlan } from './streams.js';
import type { Preview } from './preview.js';
import { schemaColumns, stepSummaries } from './report.js';
import { meter, newStats, tagError } from './stream.js';
import type { StageStats } from './stream.js';
import type { DebugOptions, DebugStageSnapshot } from './types.js';

const DEFAULT_SAMPLE_ROWS = 100;
const DEFAULT_SHOWN = 10;
const KEEP_REJECTS = 50;

/**
 * Runs stage by stage on a sample (`limit`, default 100 source rows): after the extract, after
 * each transform and for each sink's plan, calls `on_stage(snapshot)`. Never writes anything.
 */
export async function debugPipeline(plan: Plan, options: DebugOptions): Promise<void> {
  if (plan.extract.streams) return debugPipeline(await firstStream(plan, options), options);
  const pv = await openPreview(plan, options, 'debug', KEEP_REJECTS);
  const shown = options.sample_size ?? DEFAULT_SHOWN;
  const stop = options.stop_after ?? Infinity;
  try {
    const limit = options.limit ?? DEFAULT_SAMPLE_ROWS;
    const srcStats = newStats(plan.extract.label, 'extract', plan.extract.definition.name);
    const ctx = sourceContext(pv.base, { limit, ...(pv.window ? { incremental: pv.window } : {}) });
    let batches = await collect(pv, srcStats, pv.rt.source.read({ ...plan.extract.options }, ctx), 'reading', limit);
    let schema = schemaOf(batches, srcStats);
    const steps = new Map(stepSummaries(plan).map((s) => [s.stage, s.summary]));
    await options.on_stage(snapshot(pv, 0, srcStats, schema, batches, shown));
    for (let i = 0; i < plan.transforms.length && i < stop; i++) {
      const t = plan.transforms[i]!;
      const st = newStats(t.label, 'transform', t.definition.name);
      st.rows_in = count(batches);
      const out = stageOutput(pv, i, batches);
      batches = await collect(pv, st, out, 'running');
      schema = schemaOf(batches, st, schema);
      const summary = steps.get(t.label);
      await options.on_stage({ ...snapshot(pv, i + 1, st, schema, batches, shown), ...(summary ? { summary } : {}) });
    }
    if (plan.transforms.length >= stop) return;
    for (let j = 0; j < plan.loads.length; j++) {
      const index = plan.transforms.length + 1 + j;
      if (index > stop) return;
      await options.on_stage(await sinkSnapshot(pv, j, index, schema, count(batches)));
    }
  } catch (err) {
    throw pv.finalError(err);
  } finally {
    pv.dispose();
  }
}

function stageOutput(pv: Preview, i: number, batches: readonly RecordBatch[]): AsyncIterable<RecordBatch> {
  const t = pv.base.plan.transforms[i]!;
  try {
    return pv.rt.transforms[i]!.create({ ...t.options }, transformContext(pv.base, i))(fromArray(batches));
  } catch (err) {
    throw tagError(err, t.label, 'starting');
  }
}

async function sinkSnapshot(pv: Preview, j: number, index: number, schema: RecordSchema, rows: number): Promise<DebugStageSnapshot> {
  const load = pv.base.plan.loads[j]!;
  let sinkPlan: SinkPlan;
  try {
    sinkPlan = await pv.rt.sinks[j]!.plan({ ...load.options }, schema, sinkContext(pv.base, j));
  } catch (err) {
    throw tagError(err, load.label, 'planning');
  }
  const { internal: _internal, ...shown } = sinkPlan;
  return {
    index,
    stage: load.label,
    kind: 'load',
    schema: schemaColumns(schema),
    rows,
    sample: [],
    rejects: [],
    sink_plan: pv.base.plan.secrets.redactValue(shown),
  };
}

async function collect(pv: Preview, stats: StageStats, input: AsyncIterable<RecordBatch>, verb: string, limit?: number): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  const metered = meter(input, stats, {
    signal: pv.controller.signal, events: pv.base.events, verb, onError: pv.fail,
    ...(limit === undefined ? {} : { limit, progress: true }),
  });
  for await (const batch of metered) out.push(batch);
  return out;
}

async function* fromArray(batches: readonly RecordBatch[]): AsyncGenerator<RecordBatch> {
  yield* batches;
}

function count(batches: readonly RecordBatch[]): number {
  return batches.reduce((n, b) => n + b.rows.length, 0);
}

function schemaOf(batches: readonly RecordBatch[], stats: StageStats, fallback?: RecordSchema): RecordSchema {
  return batches[0]?.schema ?? stats.schema ?? fallback ?? { columns: [] };
}

function snapshot(pv: Preview, index: number, st: StageStats, schema: RecordSchema, batches: readonly RecordBatch[], shown: number): DebugStageSnapshot {
  const sample = batches.flatMap((b) => b.rows).slice(0, shown);
  pv.base.events({ type: 'stage.finished', stage: st.stage, kind: st.kind, rows_in: st.kind === 'extract' ? st.rows_out : st.rows_in, rows_out: st.rows_out, rejected: pv.collector.count(st.stage), ms: Math.round(st.pulled_ms) });
  return {
    index,
    stage: st.stage,
    kind: st.kind,
    schema: schemaColumns(schema),
    rows: st.rows_out,
    sample,
    rejects: pv.collector.kept(st.stage).map((r) => ({
      reason: r.reason, record: r.record,
      ...(r.rule === undefined ? {} : { rule: r.rule }),
      ...(r.position === undefined ? {} : { position: r.position }),
    })),
  };
}

/** debug of a `streams:` pipeline looks at its first stream (said in an info event). */
async function firstStream(plan: Plan, options: DebugOptions): Promise<Plan> {
  const rt = await loadRuntimes(plan);
  const info = pipelineInfo(plan, options.run_id ?? makeRunId(), new Date().toISOString());
  const streams = await expandStreams({ plan, info, signal: options.signal, events: options.events, reject: () => undefined }, rt.source);
  options.events({ type: 'info', message: `debug shows the first of ${streams.length} streams: ${streams[0]!}` });
  return streamPlan(plan, streams[0]!);
}
