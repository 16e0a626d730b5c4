import type { IncrementalWindow } from '../../connectors/define.js';
import type { RecordBatch, RecordSchema } from '../records/types.js';
import { sourceContext, transformContext } from './context.js';
import type { ContextBase } from './context.js';
import type { Runtimes } from './runtimes.js';
import { countInto, meter, newStats, tagError } from './stream.js';
import type { StageStats } from './stream.js';
import { WatermarkTracker } from './watermark.js';

export interface Flow {
  /** extract, then each transform, in order. */
  readonly stats: readonly StageStats[];
  /** the last transform's output (or the source's when there are none). */
  readonly stream: AsyncIterable<RecordBatch>;
  readonly tracker?: WatermarkTracker;
}

export interface FlowOptions {
  readonly limit?: number;
  readonly window?: IncrementalWindow;
  /** the first error of any stage (the run aborts with it). */
  readonly onError?: (err: unknown) => void;
}

/** Chains source → transforms, each wrapped to count rows, time it and check the signal. */
export function buildFlow(base: ContextBase, rt: Runtimes, opts: FlowOptions): Flow {
  const { plan } = base;
  const srcStats = newStats(plan.extract.label, 'extract', plan.extract.definition.name);
  const tracker = opts.window ? new WatermarkTracker(opts.window.column) : undefined;
  const ctx = sourceContext(base, { ...(opts.limit === undefined ? {} : { limit: opts.limit }), ...(opts.window ? { incremental: opts.window } : {}) });
  let stream: AsyncIterable<RecordBatch> = meter(rt.source.read({ ...plan.extract.options }, ctx), srcStats, {
    signal: base.signal,
    events: base.events,
    verb: 'reading',
    progress: true,
    ...(opts.onError ? { onError: opts.onError } : {}),
    ...(opts.limit === undefined ? {} : { limit: opts.limit }),
    ...(tracker ? { observe: (b: RecordBatch) => tracker.observe(b.rows) } : {}),
  });
  const stats: StageStats[] = [srcStats];
  plan.transforms.forEach((t, i) => {
    const st = newStats(t.label, 'transform', t.definition.name);
    const input = countInto(stream, (b) => { st.rows_in += b.rows.length; });
    let output: AsyncIterable<RecordBatch>;
    try {
      output = rt.transforms[i]!.create({ ...t.options }, transformContext(base, i))(input);
    } catch (err) {
      throw tagError(err, t.label, 'starting');
    }
    stream = meter(output, st, { signal: base.signal, events: base.events, verb: 'running', ...(opts.onError ? { onError: opts.onError } : {}) });
    stats.push(st);
  });
  return { stats, stream, ...(tracker ? { tracker } : {}) };
}

/** The schema sinks plan with: the first batch's, else the last stage that produced any batch. */
export function planningSchema(first: RecordBatch | undefined, stats: readonly StageStats[]): RecordSchema {
  if (first) return first.schema;
  for (let i = stats.length - 1; i >= 0; i--) {
    const s = stats[i]!.schema;
    if (s) return s;
  }
  return { columns: [] };
}

/** Self time of stage i: its pulled time minus its upstream's. */
export function selfMs(stats: readonly StageStats[], i: number): number {
  const own = stats[i]!.pulled_ms;
  const up = i > 0 ? stats[i - 1]!.pulled_ms : 0;
  return Math.max(0, own - up);
}
