import { DataQualityError, EtlError, InterruptedError, RunError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { finishBookkeeping } from './bookkeeping.js';
import { pipelineInfo } from './context.js';
import type { ContextBase } from './context.js';
import { errorSummary, exitCodeOf, finishedStatus, rate, statusOf } from './report.js';
import type { RunFailure, RunScope } from './run.js';
import { loadRuntimes } from './runtimes.js';
import { RunSession } from './session.js';
import { expandStreams, pool, streamPlan } from './streams.js';
import { toEtlError } from './stream.js';
import type { RunOptions, RunReport, StreamSummary } from './types.js';

interface StreamOutcome {
  readonly stream: string;
  readonly report: RunReport;
  readonly error?: EtlError;
  readonly skipped?: boolean;
}

/**
 * A `streams:` run: the list (or the catalog names the pattern matches) runs as one sub-run per
 * stream, `parallelism` at a time, under the pipeline's one lock. Each stream commits and saves
 * its own watermark on its own; a failed stream does not stop the others (they finish and keep
 * their watermarks) and the run then fails with the first stream's error. An interrupt stops all.
 */
export async function runStreams(plan: Plan, options: RunOptions, scope: RunScope): Promise<RunReport> {
  const started_at = scope.started.toISOString();
  const t0 = performance.now();
  options.events({ type: 'run.started', pipeline: plan.name, run_id: scope.run_id, mode: 'run', at: started_at });
  let outcomes: StreamOutcome[] = [];
  let error: EtlError | undefined;
  try {
    const streams = await listStreams(plan, options, scope, started_at);
    options.events({ type: 'info', message: `${streams.length} stream${streams.length === 1 ? '' : 's'}: ${streams.join(', ')}` });
    const settled = await pool(streams, parallelismOf(plan, options), (stream) => runStream(plan, stream, options, scope), () => options.signal.aborted);
    outcomes = settled.map((s, i) => (s?.status === 'fulfilled' ? s.value : empty(streams[i]!, s === undefined ? undefined : toEtlError(s.reason))));
    error = combinedError(outcomes, streams.length, options.signal);
  } catch (err) {
    error = options.signal.aborted ? new InterruptedError('interrupted', { cause: err }) : toEtlError(err);
  }
  const report = mergeReports(plan, scope, started_at, Math.round(performance.now() - t0), outcomes, error);
  options.events({ type: 'run.finished', status: finishedStatus(report.status), ms: report.ms });
  await finishBookkeeping(plan, report, options.events, scope.lock.release);
  if (error) {
    (error as RunFailure).report = report;
    throw error;
  }
  return report;
}

/** `parallelism`, or 1 when a sink allows one writer at a time (sqlite). */
function parallelismOf(plan: Plan, options: RunOptions): number {
  const wanted = plan.parallelism ?? 1;
  const single = plan.loads.find((l) => l.definition.sink?.capabilities.single_writer);
  if (wanted > 1 && single) {
    options.events({ type: 'info', message: `streams run one at a time: ${single.label} takes one writer at a time (parallelism ${wanted} ignored)` });
    return 1;
  }
  return wanted;
}

async function listStreams(plan: Plan, options: RunOptions, scope: RunScope, started_at: string): Promise<string[]> {
  const rt = await loadRuntimes(plan);
  const base: ContextBase = {
    plan, info: pipelineInfo(plan, scope.run_id, started_at), signal: options.signal, events: options.events, reject: () => undefined,
  };
  return expandStreams(base, rt.source);
}

/** A stream an interrupt kept from starting (no error), or one that could not start: nothing done. */
function empty(stream: string, error: EtlError | undefined): StreamOutcome {
  const report: RunReport = {
    pipeline: '', run_id: '', status: error ? statusOf(error) : 'interrupted', started_at: '', finished_at: '', ms: 0, rows_read: 0,
    rows_written: 0, rows_rejected: 0, rows_per_sec: 0, stages: [], targets: [], retries: 0, quality: [], exit_code: exitCodeOf(error),
  };
  return error ? { stream, report, error } : { stream, report, skipped: true };
}

/** One stream's sub-run; never throws (its error is in the outcome). */
async function runStream(plan: Plan, stream: string, options: RunOptions, scope: RunScope): Promise<StreamOutcome> {
  const sub = streamPlan(plan, stream);
  const session = new RunSession(sub, options, scope.run_id, scope.started, scope.store);
  let error: EtlError | undefined;
  try {
    await session.execute();
  } catch (err) {
    error = session.finalError(err);
    await session.salvageDeadLetter();
  }
  const report = session.report(error);
  session.emitFinished(report, false);
  session.dispose();
  const what = error ? `${report.status}: ${report.error?.message ?? ''}` : `${report.rows_read} read, ${report.rows_written} written`;
  options.events({ type: 'info', message: `stream ${stream}: ${what}`, stage: sub.extract.label });
  return { stream, report, ...(error ? { error } : {}) };
}

/** An interrupt wins; else the first failed stream's error, its exit code kept (1, or 3 for rejects). */
function combinedError(outcomes: readonly StreamOutcome[], total: number, signal: AbortSignal): EtlError | undefined {
  const failed = outcomes.filter((o) => o.error);
  const done = outcomes.filter((o) => !o.error && !o.skipped).length;
  const interrupted = failed.find((o) => o.error instanceof InterruptedError) ?? (signal.aborted ? failed[0] : undefined);
  if (signal.aborted || interrupted) {
    return new InterruptedError(`interrupted: ${done} of ${total} streams committed`, {
      cause: interrupted?.error,
      hint: 'committed streams kept their watermarks; rerun to do the rest',
    });
  }
  const first = failed[0];
  if (!first?.error) return undefined;
  const message = `${failed.length} of ${total} stream${total === 1 ? '' : 's'} failed (${failed.map((o) => o.stream).join(', ')}); ${first.stream}: ${first.error.message}`;
  const opts = { cause: first.error, hint: first.error.hint ?? 'the other streams committed and kept their watermarks; rerun to retry the failed ones', ...(first.error.where ? { where: first.error.where } : {}) };
  return first.error instanceof DataQualityError ? new DataQualityError(message, opts) : new RunError(first.error.code, message, opts);
}

function summary(o: StreamOutcome): StreamSummary {
  const r = o.report;
  const watermark = r.watermark?.saved ?? r.watermark?.previous;
  return {
    stream: o.stream,
    status: o.skipped ? 'skipped' : r.status,
    rows_read: r.rows_read,
    rows_written: r.rows_written,
    rows_rejected: r.rows_rejected,
    ...(watermark === undefined ? {} : { watermark }),
    targets: r.targets.map((t) => t.target),
    ...(r.dead_letter === undefined ? {} : { dead_letter: r.dead_letter }),
    ms: r.ms,
    ...(r.error ? { error: r.error } : {}),
  };
}

function mergeReports(plan: Plan, scope: RunScope, started_at: string, ms: number, outcomes: readonly StreamOutcome[], error: EtlError | undefined): RunReport {
  const sum = (f: (r: RunReport) => number): number => outcomes.reduce((n, o) => n + f(o.report), 0);
  const rows_read = sum((r) => r.rows_read);
  // one file per stream, or the one table they all write to
  const letters = [...new Set(outcomes.flatMap((o) => (o.report.dead_letter ? [o.report.dead_letter] : [])))];
  return {
    pipeline: plan.name,
    run_id: scope.run_id,
    status: statusOf(error),
    started_at,
    finished_at: new Date().toISOString(),
    ms,
    rows_read,
    rows_written: sum((r) => r.rows_written),
    rows_rejected: sum((r) => r.rows_rejected),
    rows_per_sec: rate(rows_read, ms),
    stages: outcomes.flatMap((o) => o.report.stages),
    targets: outcomes.flatMap((o) => o.report.targets),
    ...(letters.length === 1 ? { dead_letter: letters[0]! } : {}),
    retries: sum((r) => r.retries),
    quality: outcomes.flatMap((o) => o.report.quality),
    ...(error ? { error: errorSummary(error, plan.secrets) } : {}),
    exit_code: exitCodeOf(error),
    streams: outcomes.map(summary),
  };
}
