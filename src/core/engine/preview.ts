import type { IncrementalWindow, PipelineInfo } from '../../connectors/define.js';
import type { EtlError } from '../errors.js';
import { DataQualityError, InterruptedError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { openStateStore } from '../state/index.js';
import { makeRunId, pipelineInfo } from './context.js';
import type { ContextBase } from './context.js';
import { RejectCollector } from './rejects.js';
import { loadRuntimes } from './runtimes.js';
import type { Runtimes } from './runtimes.js';
import { checkSignal, toEtlError } from './stream.js';
import type { EngineOptions } from './types.js';
import { computeWindow } from './watermark.js';

/**
 * What dry-run and debug share: the same contexts as a run, but rejects are kept in memory,
 * nothing is written (no lock, no state, no dead letter) and max_rejects only warns.
 */
export interface Preview {
  readonly info: PipelineInfo;
  readonly base: ContextBase;
  readonly collector: RejectCollector;
  readonly rt: Runtimes;
  readonly window?: IncrementalWindow;
  readonly controller: AbortController;
  /** the first stage error (aborts the others). */
  fail(err: unknown): void;
  /** the error to throw: an interrupt, else the first failure. */
  finalError(err: unknown): EtlError;
  dispose(): void;
}

export async function openPreview(plan: Plan, options: EngineOptions, mode: 'dry-run' | 'debug', keep: number): Promise<Preview> {
  checkSignal(options.signal);
  const started = new Date();
  const info = pipelineInfo(plan, options.run_id ?? makeRunId(started), started.toISOString());
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(new InterruptedError('interrupted', { cause: options.signal.reason }));
  options.signal.addEventListener('abort', onAbort, { once: true });
  let first: unknown;
  const fail = (err: unknown): void => {
    if (controller.signal.aborted) return;
    first = err;
    controller.abort(err);
  };
  const collector = new RejectCollector({
    run_id: info.run_id, policy: plan.errors, secrets: plan.secrets, events: options.events, keep,
    onExceeded: (err: DataQualityError) => options.events({ type: 'warning', message: `a run would fail: ${err.message}` }),
  });
  const base: ContextBase = {
    plan, info, signal: controller.signal, events: options.events,
    reject: (stage, input, origin) => collector.reject(stage, input, origin),
  };
  options.events({ type: 'run.started', pipeline: plan.name, run_id: info.run_id, mode, at: info.started_at });
  const dispose = (): void => options.signal.removeEventListener('abort', onAbort);
  try {
    const rt = await loadRuntimes(plan);
    const window = await previewWindow(plan, { signal: controller.signal, pipeline: info });
    return {
      info, base, collector, rt, controller, fail, dispose,
      ...(window ? { window } : {}),
      finalError: (err) =>
        options.signal.aborted ? new InterruptedError(`interrupted: ${mode} of ${plan.name} stopped`, { cause: err }) : toEtlError(first ?? err),
    };
  } catch (err) {
    dispose();
    throw options.signal.aborted ? new InterruptedError('interrupted', { cause: err }) : toEtlError(err);
  }
}

/** The window a run would read now (stored watermark or initial); reading state writes nothing. */
async function previewWindow(plan: Plan, ctx: { signal: AbortSignal; pipeline: PipelineInfo }): Promise<IncrementalWindow | undefined> {
  const inc = plan.extract.incremental;
  if (!inc) return undefined;
  const store = await openStateStore(plan, ctx);
  let stored: string | undefined;
  try {
    stored = (await store.read(plan.name, plan.extract.stream ?? ''))?.watermark;
  } finally {
    await store.close();
  }
  return computeWindow({ incremental: inc, ...(stored === undefined ? {} : { stored }) });
}

/** max_rejects as a fraction, reported instead of thrown. */
export function fractionVerdict(collector: RejectCollector, rowsRead: number): string | undefined {
  try {
    collector.checkFraction(rowsRead);
  } catch (err) {
    if (err instanceof DataQualityError) return err.message;
    throw err;
  }
  return collector.failure?.message;
}
