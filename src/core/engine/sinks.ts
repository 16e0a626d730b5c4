import type { SinkPlan, SinkRuntime, WriteResult } from '../../connectors/define.js';
import type { RecordBatch, RecordSchema } from '../records/types.js';
import { sinkContext } from './context.js';
import type { ContextBase } from './context.js';
import { countInto, newStats, tagError } from './stream.js';
import type { StageStats } from './stream.js';
import { Tee } from './tee.js';

/** Buffered batches beyond the slowest sink when fanning out. */
const TEE_BUFFER = 4;

export interface SinkStats extends StageStats {
  rows_written: number;
  waited: { ms: number };
  ms: number;
}

export function sinkStats(base: ContextBase): SinkStats[] {
  return base.plan.loads.map((l) => ({ ...newStats(l.label, 'load', l.definition.name), rows_written: 0, waited: { ms: 0 }, ms: 0 }));
}

/** Every sink's plan for this schema, computed before any write. */
export async function planSinks(base: ContextBase, sinks: readonly SinkRuntime[], schema: RecordSchema): Promise<SinkPlan[]> {
  return Promise.all(
    base.plan.loads.map(async (load, i) => {
      try {
        return await sinks[i]!.plan({ ...load.options }, schema, sinkContext(base, i));
      } catch (err) {
        throw tagError(err, load.label, 'planning');
      }
    }),
  );
}

/**
 * Streams into every sink and waits for all of them to commit. When one fails, `onFailure`
 * aborts the run so the others roll back; the first failure is rethrown.
 */
export async function applySinks(
  base: ContextBase,
  sinks: readonly SinkRuntime[],
  plans: readonly SinkPlan[],
  input: AsyncIterable<RecordBatch>,
  stats: readonly SinkStats[],
  onFailure: (err: unknown) => void,
): Promise<WriteResult[]> {
  const tee = sinks.length > 1 ? new Tee(input[Symbol.asyncIterator](), sinks.length, TEE_BUFFER, base.signal) : undefined;
  let first: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    sinks.map(async (sink, i) => {
      const st = stats[i]!;
      const branch = tee ? tee.branch(i) : input;
      const counted = countInto(branch, (b) => {
        st.rows_in += b.rows.length;
        base.events({ type: 'batch.written', stage: st.stage, rows: b.rows.length, total: st.rows_in });
      }, st.waited);
      const t0 = performance.now();
      try {
        const result = await sink.apply(plans[i]!, counted, sinkContext(base, i));
        st.rows_written = result.rows_written;
        st.rows_out = result.rows_written;
        return result;
      } catch (err) {
        const tagged = tagError(err, st.stage, 'writing');
        first ??= { error: tagged };
        onFailure(tagged);
        throw tagged;
      } finally {
        st.ms = Math.max(0, performance.now() - t0 - st.waited.ms);
        tee?.close(i);
      }
    }),
  );
  if (first) throw first.error;
  return settled.map((s) => (s as PromiseFulfilledResult<WriteResult>).value);
}
