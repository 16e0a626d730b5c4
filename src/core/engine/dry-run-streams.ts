import type { Plan } from '../plan/types.js';
import { makeRunId, pipelineInfo } from './context.js';
import { loadRuntimes } from './runtimes.js';
import { expandStreams, streamPlan } from './streams.js';
import type { DryRunReport, EngineOptions } from './types.js';

type Single = (plan: Plan, options: EngineOptions) => Promise<DryRunReport>;

/**
 * dry-run of a `streams:` pipeline: expands the list (a pattern reads the catalog), then a
 * dry-run of each stream in turn. The top level sums them; `streams` holds each one.
 */
export async function dryRunStreams(plan: Plan, options: EngineOptions, single: Single): Promise<DryRunReport> {
  const rt = await loadRuntimes(plan);
  const info = pipelineInfo(plan, options.run_id ?? makeRunId(), new Date().toISOString());
  const streams = await expandStreams({ plan, info, signal: options.signal, events: options.events, reject: () => undefined }, rt.source);
  options.events({ type: 'info', message: `${streams.length} stream${streams.length === 1 ? '' : 's'}: ${streams.join(', ')}` });
  const reports: (DryRunReport & { stream: string })[] = [];
  for (const stream of streams) reports.push({ ...(await single(streamPlan(plan, stream), options)), stream });
  const sum = (f: (r: DryRunReport) => number): number => reports.reduce((n, r) => n + f(r), 0);
  const exceeded = reports.find((r) => r.rejects_exceeded !== undefined);
  return {
    pipeline: plan.name,
    source: {
      summary: `${streams.length} stream${streams.length === 1 ? '' : 's'}: ${streams.join(', ')}`,
      statements: reports.flatMap((r) => r.source.statements ?? []),
    },
    rows_read: sum((r) => r.rows_read),
    rows_out: sum((r) => r.rows_out),
    rows_rejected: sum((r) => r.rows_rejected),
    stages: reports.flatMap((r) => r.stages),
    sinks: reports.flatMap((r) => r.sinks),
    schema: reports[0]?.schema ?? [],
    rejects: reports.flatMap((r) => r.rejects ?? []),
    ...(exceeded ? { rejects_exceeded: `stream ${exceeded.stream}: ${exceeded.rejects_exceeded!}` } : {}),
    streams: reports,
  };
}
