import { EtlError, InterruptedError, RunError } from '../errors.js';
import type { EventSink, StageKind } from '../events.js';
import type { RecordBatch, RecordSchema } from '../records/types.js';

/** Live counters of one stage; the report's StageSummary is built from them. */
export interface StageStats {
  readonly stage: string;
  readonly kind: StageKind;
  readonly type: string;
  rows_in: number;
  rows_out: number;
  /** time spent inside this stage's iterator, upstream included (self time = minus upstream). */
  pulled_ms: number;
  /** schema of the first batch this stage produced. */
  schema?: RecordSchema;
}

export function newStats(stage: string, kind: StageKind, type: string): StageStats {
  return { stage, kind, type, rows_in: 0, rows_out: 0, pulled_ms: 0 };
}

/** Throws the abort reason when it is an etl-cli error (too many rejects…), else InterruptedError. */
export function checkSignal(signal: AbortSignal): void {
  if (!signal.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof EtlError) throw reason;
  throw new InterruptedError('interrupted', { cause: reason });
}

const stageOfError = new WeakMap<object, { stage: string; verb: string }>();

/** Remembers which stage an error came out of first (so 'reading extract csv: …' names the source). */
export function tagError(err: unknown, stage: string, verb: string): unknown {
  const e = typeof err === 'object' && err !== null ? err : new Error(String(err));
  if (!stageOfError.has(e)) stageOfError.set(e, { stage, verb });
  return e;
}

/** Turns any error into an EtlError; unknown errors become E_RUN naming the stage they came from. */
export function toEtlError(err: unknown, fallbackStage?: string): EtlError {
  if (err instanceof EtlError) return err;
  const tag = typeof err === 'object' && err !== null ? stageOfError.get(err) : undefined;
  const stage = tag?.stage ?? fallbackStage;
  const message = err instanceof Error ? err.message : String(err);
  const prefix = stage ? `${tag?.verb ?? 'running'} ${stage}: ` : '';
  return new RunError('E_RUN', `${prefix}${message}`, { cause: err, ...(stage ? { where: { stage } } : {}) });
}

export interface MeterOptions {
  readonly signal: AbortSignal;
  readonly events: EventSink;
  readonly verb: string;
  /** source only: stop after this many rows (the last batch is cut). */
  readonly limit?: number;
  /** emit batch.read for each batch (source). */
  readonly progress?: boolean;
  readonly observe?: (batch: RecordBatch) => void;
  /** told about an error of this stage first, so the run aborts with it (not a downstream wrapper). */
  readonly onError?: (err: unknown) => void;
}

/** Counts rows out of a stage, times it, enforces the row limit and checks the signal per batch. */
export async function* meter(input: AsyncIterable<RecordBatch>, stats: StageStats, opts: MeterOptions): AsyncGenerator<RecordBatch> {
  const it = input[Symbol.asyncIterator]();
  try {
    for (;;) {
      checkSignal(opts.signal);
      if (opts.limit !== undefined && stats.rows_out >= opts.limit) return;
      const t0 = performance.now();
      let r: IteratorResult<RecordBatch>;
      try {
        r = await it.next();
      } catch (err) {
        const tagged = tagError(err, stats.stage, opts.verb);
        opts.onError?.(tagged);
        throw tagged;
      } finally {
        stats.pulled_ms += performance.now() - t0;
      }
      if (r.done) return;
      let batch = r.value;
      if (opts.limit !== undefined && stats.rows_out + batch.rows.length > opts.limit) batch = cut(batch, opts.limit - stats.rows_out);
      stats.schema ??= batch.schema;
      stats.rows_out += batch.rows.length;
      opts.observe?.(batch);
      if (opts.progress) opts.events({ type: 'batch.read', stage: stats.stage, rows: batch.rows.length, total: stats.rows_out });
      yield batch;
    }
  } finally {
    await it.return?.().catch(() => undefined); // cleanup must not hide the error that got us here
  }
}

function cut(batch: RecordBatch, n: number): RecordBatch {
  return {
    schema: batch.schema,
    rows: batch.rows.slice(0, n),
    ...(batch.origin ? { origin: batch.origin.slice(0, n) } : {}),
  };
}

/** Counts rows into a stage (a transform's or sink's input) and the time it waited for them. */
export async function* countInto(
  input: AsyncIterable<RecordBatch>,
  onBatch: (batch: RecordBatch) => void,
  waited?: { ms: number },
): AsyncGenerator<RecordBatch> {
  const it = input[Symbol.asyncIterator]();
  try {
    for (;;) {
      const t0 = performance.now();
      const r = await it.next();
      if (waited) waited.ms += performance.now() - t0;
      if (r.done) return;
      onBatch(r.value);
      yield r.value;
    }
  } finally {
    await it.return?.().catch(() => undefined);
  }
}

export interface Head {
  readonly first: RecordBatch | undefined;
  /** every batch, the first one put back in front; `onEnd` runs once the input is exhausted. */
  readonly stream: AsyncIterable<RecordBatch>;
  /** ends the upstream iterators (closes files, cursors) if the stream was not consumed. */
  close(): Promise<void>;
}

/** Pulls the first batch (its schema is what sinks plan with) and gives back the whole stream. */
export async function pullFirst(input: AsyncIterable<RecordBatch>, onEnd: () => void): Promise<Head> {
  const it = input[Symbol.asyncIterator]();
  const r = await it.next();
  let finished = r.done === true;
  const first = r.done ? undefined : r.value;
  async function* all(): AsyncGenerator<RecordBatch> {
    if (first) yield first;
    for (;;) {
      const n = await it.next();
      if (n.done) break;
      yield n.value;
    }
    finished = true;
    onEnd(); // may throw (max_rejects fraction): the sinks see an error, not the end, and roll back
  }
  return {
    first,
    stream: all(),
    async close() {
      if (!finished) await it.return?.();
    },
  };
}
