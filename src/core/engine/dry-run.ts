import type { RecordBatch } from '../records/types.js';
import type { Plan } from '../plan/types.js';
import type { SourceDescription } from '../../connectors/define.js';
import { sourceContext } from './context.js';
import { deadLetterDescription } from './dead-letter-open.js';
import { buildFlow, planningSchema, selfMs } from './flow.js';
import { fractionVerdict, openPreview } from './preview.js';
import type { Preview } from './preview.js';
import { schemaColumns, stepSummaries, summarize } from './report.js';
import { planSinks } from './sinks.js';
import { dryRunStreams } from './dry-run-streams.js';
import { checkSignal, pullFirst } from './stream.js';
import type { DryRunReport, EngineOptions } from './types.js';

const KEEP_REJECTS = 20;

/**
 * Extracts and transforms every row (or `limit`), plans each sink, and writes nothing at all:
 * no target, no state, no lock, no dead letter. Says what a run would do.
 */
export async function dryRunPipeline(plan: Plan, options: EngineOptions): Promise<DryRunReport> {
  if (plan.extract.streams) return dryRunStreams(plan, options, dryRunPipeline);
  const pv = await openPreview(plan, options, 'dry-run', KEEP_REJECTS);
  const t0 = performance.now();
  try {
    const source = await describeSource(pv, options.limit);
    const flow = buildFlow(pv.base, pv.rt, {
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(pv.window ? { window: pv.window } : {}),
      onError: pv.fail,
    });
    const head = await pullFirst(flow.stream, () => undefined);
    const schema = planningSchema(head.first, flow.stats);
    let rows_out = 0;
    try {
      const plans = await planSinks(pv.base, pv.rt.sinks, schema);
      rows_out = await drain(head.stream, pv.controller.signal);
      const rows_read = flow.stats[0]!.rows_out;
      const exceeded = fractionVerdict(pv.collector, rows_read);
      const stages = flow.stats.map((s, i) => summarize(s, selfMs(flow.stats, i), pv.collector.count(s.stage)));
      const dl = deadLetterDescription(plan, pv.info);
      const steps = stepSummaries(plan);
      options.events({ type: 'run.finished', status: 'ok', ms: Math.round(performance.now() - t0) });
      return {
        pipeline: plan.name,
        source,
        ...(steps.length ? { steps } : {}),
        ...(pv.window ? { watermark: pv.window } : {}),
        rows_read,
        rows_out,
        rows_rejected: pv.collector.total,
        stages,
        sinks: plans.map(({ internal: _internal, ...p }, i) => ({ ...plan.secrets.redactValue(p), stage: plan.loads[i]!.label, rows: rows_out })),
        ...(dl === undefined ? {} : { dead_letter: dl }),
        schema: schemaColumns(schema),
        rejects: pv.collector.allKept(),
        ...(exceeded === undefined ? {} : { rejects_exceeded: exceeded }),
      };
    } finally {
      await head.close();
    }
  } catch (err) {
    options.events({ type: 'run.finished', status: options.signal.aborted ? 'interrupted' : 'failed', ms: Math.round(performance.now() - t0) });
    throw pv.finalError(err);
  } finally {
    pv.dispose();
  }
}

async function describeSource(pv: Preview, limit: number | undefined): Promise<SourceDescription> {
  const { plan } = pv.base;
  const ctx = sourceContext(pv.base, { ...(limit === undefined ? {} : { limit }), ...(pv.window ? { incremental: pv.window } : {}) });
  const described = await pv.rt.source.describe?.({ ...plan.extract.options }, ctx);
  if (described) return plan.secrets.redactValue(described);
  const conn = plan.extract.connection ? ` (connection ${plan.extract.connection.name})` : '';
  return { summary: `${plan.extract.label}: ${plan.extract.definition.name}${conn}` };
}

async function drain(stream: AsyncIterable<RecordBatch>, signal: AbortSignal): Promise<number> {
  let rows = 0;
  for await (const batch of stream) {
    checkSignal(signal);
    rows += batch.rows.length;
  }
  return rows;
}
