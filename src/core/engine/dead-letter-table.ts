import { RunError } from '../errors.js';
import type { DeadLetterRow, DeadLetterStore, DeadLetterTarget } from './dead-letter-target.js';
import { classifyError } from './retry.js';

/** a flush every this many rows, or FLUSH_MS after the first buffered one. */
const FLUSH_ROWS = 1000;
const FLUSH_MS = 1000;
/** rows waiting (buffered + being inserted) before the run waits for the table. */
const HIGH_WATER = 20_000;
/** rows held while the database stays busy (sqlite locked by the sink) before the run fails. */
const MAX_HELD = 200_000;

export interface DeadLetterTableOptions {
  readonly run_id: string;
  readonly pipeline: string;
  /** 'table etl_rejects (connection warehouse)'. */
  readonly description: string;
  readonly open: () => Promise<DeadLetterStore>;
  /** a failure writing the table during the run: the run aborts with it. */
  readonly onError: (err: RunError) => void;
  readonly flushRows?: number;
  readonly flushMs?: number;
  readonly highWater?: number;
}

/**
 * Rejects in a database table. write() only buffers; rows are inserted in the background in
 * batches (every FLUSH_ROWS rows or FLUSH_MS), each batch its own short transaction in the
 * store's own connection, so what was written survives a failed or rolled-back run.
 */
export class DeadLetterTable implements DeadLetterTarget {
  private buffer: DeadLetterRow[] = [];
  private inflight: Promise<void> = Promise.resolve();
  private writing = 0;
  private lines = 0;
  private inserted = 0;
  private timer: NodeJS.Timeout | undefined;
  private store: Promise<DeadLetterStore> | undefined;
  /** after a transient failure the next try waits for the timer. */
  private backoff = false;
  private failed = false;

  constructor(private readonly opts: DeadLetterTableOptions) {}

  get description(): string {
    return this.opts.description;
  }

  get count(): number {
    return this.lines;
  }

  write(line: string): void {
    this.lines++;
    this.buffer.push(toRow(line, this.opts.pipeline, this.lines));
    if (this.failed) return;
    if (this.buffer.length >= (this.opts.flushRows ?? FLUSH_ROWS) && !this.backoff) this.flush(false);
    else this.timer ??= setTimeout(() => this.flush(false), this.opts.flushMs ?? FLUSH_MS).unref();
  }

  backlog(): Promise<void> | undefined {
    if (this.buffer.length + this.writing <= (this.opts.highWater ?? HIGH_WATER)) return undefined;
    if (!this.backoff && !this.failed && this.buffer.length > 0) this.flush(false);
    return this.writing > 0 ? this.inflight : undefined;
  }

  async finish(): Promise<string | undefined> {
    this.clearTimer();
    await this.inflight;
    const rows = this.buffer;
    this.buffer = [];
    try {
      await this.insertAll(rows, true);
    } catch (err) {
      throw this.error(err);
    } finally {
      await this.close();
    }
    return this.lines > 0 ? this.opts.description : undefined;
  }

  async discard(): Promise<void> {
    this.clearTimer();
    this.failed = true;
    await this.inflight;
    this.buffer = [];
    try {
      if (this.inserted > 0) await (await this.open()).delete(this.opts.pipeline, this.opts.run_id);
    } catch (err) {
      throw this.error(err);
    } finally {
      await this.close();
    }
  }

  /** Starts inserting the buffer after what is in flight. */
  private flush(final: boolean): void {
    this.clearTimer();
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.writing += rows.length;
    this.inflight = this.inflight
      .then(() => this.insertAll(rows, final))
      .then(() => { this.backoff = false; }, (err: unknown) => this.retryLater(err))
      .finally(() => { this.writing -= rows.length; });
  }

  /** One transaction per flushRows rows; what was not inserted goes back to the front of the buffer. */
  private async insertAll(rows: readonly DeadLetterRow[], final: boolean): Promise<void> {
    const size = this.opts.flushRows ?? FLUSH_ROWS;
    let done = 0;
    try {
      const store = await this.open();
      for (; done < rows.length; done += size) await store.insert(rows.slice(done, done + size), { final });
    } catch (err) {
      this.buffer = rows.slice(done).concat(this.buffer);
      throw err;
    } finally {
      this.inserted += Math.min(done, rows.length);
    }
  }

  /** Transient (busy, connection reset): keep the rows and try again on the timer; else abort the run. */
  private retryLater(err: unknown): void {
    if (classifyError(err).kind === 'transient' && this.buffer.length <= MAX_HELD) {
      this.backoff = true;
      this.timer ??= setTimeout(() => { this.backoff = false; this.flush(false); }, this.opts.flushMs ?? FLUSH_MS).unref();
      return;
    }
    this.failed = true;
    this.opts.onError(this.error(err));
  }

  private open(): Promise<DeadLetterStore> {
    this.store ??= this.opts.open().catch((err: unknown) => {
      this.store = undefined;
      throw err;
    });
    return this.store;
  }

  private async close(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    if (store) await (await store.catch(() => undefined))?.close().catch(() => undefined);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private error(err: unknown): RunError {
    if (err instanceof RunError && err.code.startsWith('E_DEAD_LETTER')) return err;
    return new RunError('E_DEAD_LETTER', `cannot write rejects to ${this.opts.description}: ${(err as Error).message ?? String(err)}`, {
      cause: err,
      hint: 'check that the connection is reachable and may create and insert into that table, or set errors.dead_letter to a file',
    });
  }
}

interface Line {
  run_id: string;
  stage: string;
  reason: string;
  rule?: string;
  column?: string;
  position?: string;
  record: unknown;
}

/** The redacted JSON line → a table row; NUL characters become U+FFFD (PostgreSQL text and jsonb refuse them). */
export function toRow(line: string, pipeline: string, seq: number): DeadLetterRow {
  const e = JSON.parse(line) as Line;
  return {
    run_id: e.run_id,
    pipeline,
    seq,
    rejected_at: new Date().toISOString(),
    stage: noNul(e.stage),
    reason: noNul(e.reason),
    rule: e.rule === undefined ? null : noNul(e.rule),
    column_name: e.column === undefined ? null : noNul(e.column),
    position: e.position === undefined ? null : noNul(e.position),
    record: line.includes('\\u0000') ? JSON.stringify(e.record, (_k, v: unknown) => (typeof v === 'string' ? noNul(v) : v)) : JSON.stringify(e.record),
  };
}

function noNul(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : text;
}
