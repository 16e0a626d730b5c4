import type { EtlError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { acquireLock, openStateStore } from '../state/index.js';
import type { RunLock, StateStore } from '../state/index.js';
import { finishBookkeeping } from './bookkeeping.js';
import { makeRunId, pipelineInfo } from './context.js';
import { backoffMs, classifyError, sleep } from './retry.js';
import { runStreams } from './run-streams.js';
import { RunSession } from './session.js';
import { checkSignal } from './stream.js';
import type { RunOptions, RunReport } from './types.js';

/** An EtlError thrown by runPipeline carries the partial report, so `--report` can still be written. */
export type RunFailure = EtlError & { report?: RunReport };

/**
 * Runs the pipeline: lock, read past the watermark, stream source → transforms → sinks, commit,
 * then save the dead letter and the watermark. Resolves with the report; on failure throws an
 * EtlError (exit code on it) with the partial report attached as `error.report`.
 * A `streams:` pipeline runs one sub-run per stream under the one lock (run-streams.ts).
 */
export async function runPipeline(plan: Plan, options: RunOptions): Promise<RunReport> {
  checkSignal(options.signal);
  const started = new Date();
  const run_id = options.run_id ?? makeRunId(started);
  // exit 4 before anything is touched
  const lock = await acquireLock(plan, { run_id, events: options.events, ...(options.force ? { force: true } : {}) });
  let store: StateStore | undefined;
  let dbLock: { release(): Promise<void> } | undefined;
  try {
    store = await openStateStore(plan, { signal: options.signal, pipeline: pipelineInfo(plan, run_id, started.toISOString()) });
    dbLock = await databaseLock(store, plan.name, options);
  } catch (err) {
    await store?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw err;
  }
  try {
    if (plan.extract.streams) return await runStreams(plan, options, { run_id, started, lock, store });
    return await runOne(plan, options, { run_id, started, lock, store });
  } finally {
    await dbLock?.release().catch(() => undefined);
    await store.close().catch(() => undefined);
  }
}

/** The state table's own lock (other machines); `--force` skips it with a warning. */
async function databaseLock(store: StateStore, name: string, options: RunOptions): Promise<{ release(): Promise<void> } | undefined> {
  if (!store.lock) return undefined;
  if (options.force) {
    options.events({ type: 'warning', message: `--force: not taking the database lock of ${name} (${store.description})` });
    return undefined;
  }
  return store.lock(name);
}

export interface RunScope {
  readonly run_id: string;
  readonly started: Date;
  readonly lock: RunLock;
  readonly store: StateStore;
}

async function runOne(plan: Plan, options: RunOptions, scope: RunScope): Promise<RunReport> {
  for (let attempt = 1; ; attempt++) {
    const session = new RunSession(plan, options, scope.run_id, scope.started, scope.store);
    let error: EtlError | undefined;
    try {
      if (attempt === 1) options.events({ type: 'run.started', pipeline: plan.name, run_id: scope.run_id, mode: 'run', at: session.info.started_at });
      await session.execute();
    } catch (err) {
      error = session.finalError(err);
      const wait = wholeRunRetry(plan, options, session, error, attempt);
      if (wait !== undefined) {
        options.events({ type: 'retry.scheduled', stage: 'run', attempt, wait_ms: wait, reason: plan.secrets.redact(error.message) });
        if (await sleep(wait, options.signal).then(() => true, () => false)) {
          await session.discardDeadLetter();
          session.dispose();
          continue;
        }
        error = session.finalError(err); // interrupted while waiting
      }
      await session.salvageDeadLetter();
    }
    const report = session.report(error);
    session.emitFinished(report);
    session.dispose();
    await finishBookkeeping(plan, report, options.events, scope.lock.release);
    if (error) {
      (error as RunFailure).report = report;
      throw error;
    }
    return report;
  }
}

/**
 * A transient failure (connection killed mid-load) is retried by running the whole pipeline
 * again, but only when nothing can have been committed: one sink that is transactional or
 * replaces its target atomically, no `commit_every`, and no sink finished. Returns the wait.
 */
function wholeRunRetry(plan: Plan, options: RunOptions, session: RunSession, error: EtlError, attempt: number): number | undefined {
  if (attempt >= plan.retry.attempts || options.signal.aborted || !session.retryableWhole) return undefined;
  if (classifyError(error).kind !== 'transient' || plan.loads.length !== 1) return undefined;
  const load = plan.loads[0]!;
  const caps = load.definition.sink?.capabilities;
  if (!caps || !(caps.transactional || caps.atomic_replace)) return undefined;
  if ((load.options as Record<string, unknown>)['commit_every'] !== undefined) return undefined;
  return backoffMs(plan.retry, attempt);
}
