import type { EtlError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { acquireLock, appendHistory } from '../state/index.js';
import { makeRunId } from './context.js';
import { RunSession } from './session.js';
import { checkSignal, toEtlError } from './stream.js';
import type { RunOptions, RunReport } from './types.js';

/** An EtlError thrown by runPipeline carries the partial report, so `--report` can still be written. */
export type RunFailure = EtlError & { report?: RunReport };

/**
 * Runs the pipeline: lock, read past the watermark, stream source → transforms → sinks, commit,
 * then save the dead letter and the watermark. Resolves with the report; on failure throws an
 * EtlError (exit code on it) with the partial report attached as `error.report`.
 */
export async function runPipeline(plan: Plan, options: RunOptions): Promise<RunReport> {
  checkSignal(options.signal);
  const started = new Date();
  const run_id = options.run_id ?? makeRunId(started);
  const session = new RunSession(plan, options, run_id, started);
  let lock;
  try {
    // exit 4 before anything is touched
    lock = await acquireLock(plan, { run_id, events: options.events, ...(options.force ? { force: true } : {}) });
  } catch (err) {
    session.dispose();
    throw err;
  }
  let error: EtlError | undefined;
  try {
    options.events({ type: 'run.started', pipeline: plan.name, run_id, mode: 'run', at: session.info.started_at });
    await session.execute();
  } catch (err) {
    error = session.finalError(err);
    session.salvageDeadLetter();
  }
  const report = session.report(error);
  session.emitFinished(report);
  session.dispose();
  await finishBookkeeping(plan, report, session, lock.release);
  if (error) {
    (error as RunFailure).report = report;
    throw error;
  }
  return report;
}

/** History line and lock release: failures here must not hide the run's own outcome. */
async function finishBookkeeping(plan: Plan, report: RunReport, session: RunSession, release: () => Promise<void>): Promise<void> {
  try {
    await appendHistory(plan, {
      run_id: report.run_id,
      pipeline: report.pipeline,
      status: report.status,
      started_at: report.started_at,
      finished_at: report.finished_at,
      ms: report.ms,
      rows_read: report.rows_read,
      rows_written: report.rows_written,
      rows_rejected: report.rows_rejected,
      exit_code: report.exit_code,
      ...(report.watermark ? { watermark: report.watermark } : {}),
      ...(report.error ? { error: report.error } : {}),
    });
  } catch (err) {
    session.options.events({ type: 'warning', message: `cannot append run history: ${toEtlError(err).message}` });
  }
  try {
    await release();
  } catch (err) {
    session.options.events({ type: 'warning', message: `cannot release the lock: ${toEtlError(err).message}` });
  }
}
