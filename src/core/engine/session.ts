import type { IncrementalWindow, PipelineInfo, SinkPlan, WriteResult } from '../../connectors/define.js';
import type { EtlError } from '../errors.js';
import { InterruptedError } from '../errors.js';
import type { EtlEvent, EventSink } from '../events.js';
import type { Plan } from '../plan/types.js';
import type { RecordBatch } from '../records/types.js';
import { fileStateStore } from '../state/index.js';
import type { StateStore } from '../state/index.js';
import { pipelineInfo } from './context.js';
import type { ContextBase } from './context.js';
import { openDeadLetterTarget } from './dead-letter-open.js';
import type { DeadLetterTarget } from './dead-letter-target.js';
import { buildFlow, planningSchema, selfMs } from './flow.js';
import type { Flow } from './flow.js';
import { RejectCollector } from './rejects.js';
import { errorSummary, exitCodeOf, finishedStatus, rate, statusOf, summarize } from './report.js';
import { loadRuntimes } from './runtimes.js';
import { applySinks, planSinks, sinkStats } from './sinks.js';
import type { SinkStats } from './sinks.js';
import { checkSignal, pullFirst, toEtlError } from './stream.js';
import type { QualityRuleSummary, RunOptions, RunReport, StageSummary } from './types.js';
import { compareWatermarks, computeWindow } from './watermark.js';

/** The mutable state of one run: counters, the abort controller, the dead letter, the watermark. */
export class RunSession {
  readonly info: PipelineInfo;
  readonly controller = new AbortController();
  readonly events: EventSink;
  readonly collector: RejectCollector;
  private readonly writer: DeadLetterTarget | undefined;
  private readonly base: ContextBase;
  private readonly sinks: SinkStats[];
  private readonly quality: QualityRuleSummary[] = [];
  private readonly t0 = performance.now();
  private retries = 0;
  private firstError: unknown;
  private flow: Flow | undefined;
  private plans: SinkPlan[] = [];
  private results: WriteResult[] = [];
  private window: IncrementalWindow | undefined;
  private previous: string | undefined;
  private saved: string | undefined;
  private deadLetter: string | undefined;
  private readonly unchain: () => void;

  /** where watermarks are read and saved; the stream ('' without streams) is the key. */
  store: StateStore;

  constructor(readonly plan: Plan, readonly options: RunOptions, readonly run_id: string, readonly started: Date, store?: StateStore) {
    this.store = store ?? fileStateStore(plan);
    this.info = pipelineInfo(plan, run_id, started.toISOString());
    this.events = (e: EtlEvent) => this.observe(e);
    this.writer = openDeadLetterTarget(plan, this.info, (err) => this.abort(err));
    this.collector = new RejectCollector({
      run_id, policy: plan.errors, secrets: plan.secrets, events: this.events,
      ...(this.writer ? { writer: this.writer } : {}),
      onExceeded: (err) => this.abort(err),
      onError: (err) => this.abort(err),
    });
    this.base = {
      plan, info: this.info, signal: this.controller.signal, events: this.events,
      reject: (stage, input, origin) => this.collector.reject(stage, input, origin),
    };
    this.sinks = sinkStats(this.base);
    this.unchain = chain(options.signal, this.controller);
  }

  private observe(e: EtlEvent): void {
    if (e.type === 'retry.scheduled') this.retries++;
    if (e.type === 'quality.summary') this.quality.push(...e.rules);
    this.options.events(e);
  }

  /** Aborts every stage with `err` (sinks roll back); the first reason wins. */
  abort(err: unknown): void {
    if (this.controller.signal.aborted) return;
    this.firstError = err;
    this.controller.abort(err);
  }

  async execute(): Promise<void> {
    checkSignal(this.controller.signal);
    const rt = await loadRuntimes(this.plan);
    await this.openWindow();
    this.emitStarted();
    const flow = buildFlow(this.base, rt, {
      ...(this.options.limit === undefined ? {} : { limit: this.options.limit }),
      ...(this.window ? { window: this.window } : {}),
      onError: (err) => this.abort(err),
    });
    this.flow = flow;
    const head = await pullFirst(flow.stream, () => this.collector.checkFraction(flow.stats[0]!.rows_out));
    try {
      this.plans = await planSinks(this.base, rt.sinks, planningSchema(head.first, flow.stats));
      this.results = await applySinks(this.base, rt.sinks, this.plans, paced(head.stream, this.writer), this.sinks, (err) => this.abort(err));
    } finally {
      await head.close();
    }
    if (this.collector.failure) throw this.collector.failure;
    // every sink committed: now (and only now) the rejects file and the watermark
    this.deadLetter = await this.writer?.finish();
    await this.saveWatermark();
  }

  private async openWindow(): Promise<void> {
    const inc = this.plan.extract.incremental;
    if (!inc) return;
    this.previous = (await this.store.read(this.plan.name, this.plan.extract.stream ?? ''))?.watermark;
    const { full_refresh, from, to } = this.options;
    this.window = computeWindow({
      incremental: inc,
      ...(this.previous === undefined ? {} : { stored: this.previous }),
      ...(full_refresh ? { full_refresh } : {}),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    });
  }

  private async saveWatermark(): Promise<void> {
    const max = this.flow?.tracker?.max;
    const { from, to, limit, full_refresh } = this.options;
    if (!this.window || max === undefined) return;
    if (from !== undefined || to !== undefined || limit !== undefined) {
      this.events({ type: 'info', message: `watermark not moved (${limit !== undefined ? '--limit' : '--from/--to'} run)` });
      return;
    }
    // with lookback the rows re-read may all be older than the stored mark: never move it back
    const next = !full_refresh && this.previous !== undefined && compareWatermarks(this.previous, max) > 0 ? this.previous : max;
    const stream = this.plan.extract.stream;
    await this.store.write(this.plan.name, stream ?? '', { watermark: next, column: this.window.column, run_id: this.run_id });
    this.saved = next;
    this.events({ type: 'checkpoint.saved', ...(stream === undefined ? {} : { stream }), watermark: next });
  }

  private emitStarted(): void {
    const p = this.plan;
    this.events({ type: 'stage.started', stage: p.extract.label, kind: 'extract', connector: p.extract.definition.name });
    for (const t of p.transforms) this.events({ type: 'stage.started', stage: t.label, kind: 'transform', connector: t.definition.name });
    for (const l of p.loads) this.events({ type: 'stage.started', stage: l.label, kind: 'load', connector: l.definition.name });
  }

  /** The error the run ends with: too many rejects, then an interrupt, then the first failure. */
  finalError(err: unknown): EtlError {
    if (this.collector.failure) return this.collector.failure;
    if (this.options.signal.aborted) {
      return new InterruptedError(`interrupted: ${this.plan.name} stopped before committing`, {
        cause: err,
        hint: 'nothing was committed and the watermark did not move; rerun when ready',
      });
    }
    return toEtlError(this.firstError ?? err);
  }

  /**
   * Whether the whole run may be retried after this failure: no sink can have committed (apply
   * never returned) and no connector has already spent its own retries on it.
   */
  get retryableWhole(): boolean {
    return this.results.length === 0 && this.retries === 0 && !this.collector.failure;
  }

  /** Before a whole-run retry: drop this attempt's rejects (the next attempt rejects them again). */
  async discardDeadLetter(): Promise<void> {
    try {
      await this.writer?.discard();
    } catch (err) {
      this.events({ type: 'warning', message: this.plan.secrets.redact((err as Error).message) });
    }
  }

  /** After a failure: rename the rejects so far into place (so the user sees why), best effort. */
  async salvageDeadLetter(): Promise<void> {
    try {
      this.deadLetter = await this.writer?.finish();
    } catch (err) {
      this.events({ type: 'warning', message: this.plan.secrets.redact((err as Error).message) });
    }
  }

  stageSummaries(): StageSummary[] {
    const flowStats = this.flow?.stats ?? [];
    const out = flowStats.map((s, i) => summarize(s, selfMs(flowStats, i), this.collector.count(s.stage)));
    for (const s of this.sinks) out.push(summarize(s, s.ms, this.collector.count(s.stage), s.rows_written));
    return out;
  }

  report(error: EtlError | undefined): RunReport {
    const finished = new Date();
    const ms = Math.round(performance.now() - this.t0);
    const rows_read = this.flow?.stats[0]?.rows_out ?? 0;
    return {
      pipeline: this.plan.name,
      run_id: this.run_id,
      status: statusOf(error),
      started_at: this.info.started_at,
      finished_at: finished.toISOString(),
      ms,
      rows_read,
      rows_written: this.results.reduce((n, r) => n + r.rows_written, 0),
      rows_rejected: this.collector.total,
      rows_per_sec: rate(rows_read, ms),
      stages: this.stageSummaries(),
      targets: this.results.map((r, i) => ({ stage: this.sinks[i]!.stage, target: r.target, mode: this.plans[i]?.mode ?? this.plan.loads[i]!.mode, rows_written: r.rows_written })),
      ...(this.deadLetter === undefined ? {} : { dead_letter: this.deadLetter }),
      ...(this.window ? { watermark: { column: this.window.column, ...opt('previous', this.previous), ...opt('saved', this.saved) } } : {}),
      retries: this.retries,
      quality: this.quality,
      ...(error ? { error: errorSummary(error, this.plan.secrets) } : {}),
      exit_code: exitCodeOf(error),
    };
  }

  /** stage.finished for each stage, then run.finished (not for a stream's sub-run: `whole` false). */
  emitFinished(report: RunReport, whole = true): void {
    for (const s of report.stages) {
      this.options.events({ type: 'stage.finished', stage: s.stage, kind: s.kind, rows_in: s.rows_in, rows_out: s.rows_out, rejected: s.rejected, ms: s.ms });
    }
    if (!whole) return;
    this.options.events({ type: 'run.finished', status: finishedStatus(report.status), ms: report.ms });
  }

  dispose(): void {
    this.unchain();
  }
}

function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** The sink's input, waiting between batches while the dead-letter table has a backlog. */
function paced(input: AsyncIterable<RecordBatch>, target: DeadLetterTarget | undefined): AsyncIterable<RecordBatch> {
  if (!target?.backlog) return input;
  const backlog = target.backlog.bind(target);
  return (async function* () {
    for await (const batch of input) {
      await backlog();
      yield batch;
    }
  })();
}

/** Aborts `controller` when `signal` fires (user interrupt); returns the unsubscribe. */
function chain(signal: AbortSignal, controller: AbortController): () => void {
  const onAbort = (): void => controller.abort(new InterruptedError('interrupted', { cause: signal.reason }));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
