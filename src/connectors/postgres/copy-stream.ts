import { from as copyFrom } from 'pg-copy-streams';
import type { RecordBatch, Row } from '../../core/records/types.js';
import type { SinkContext } from '../define.js';
import { ChunkWriter } from './copy-encoder.js';
import { copyErrorLine, isRefusal, refusalReason, rejectRow } from './sink-refusals.js';

export type CopyStream = ReturnType<typeof copyFrom>;

/** Encodes rows[from, to) as COPY lines; `firstRow` is the load's row number of rows[from]. */
export type EncodeRows = (rows: readonly Row[], from: number, to: number, firstRow: number) => string;

interface Sent {
  readonly batch: RecordBatch;
  readonly from: number;
  readonly to: number;
  /** the COPY line of batch.rows[from] (1-based). */
  readonly line: number;
}

/** Rows kept for naming a refused row: more than the data in flight when the server answers. */
const WINDOW_ROWS = 8_192;

/**
 * One COPY kept open across batches: the fast path when a refused row fails the run anyway
 * (`refused_rows: 'fail'`). The server loads while the next batch is parsed, with no wait per
 * batch. The most recent rows sent are remembered, so the row a COPY error names by its line is
 * rejected with its record (beyond that window, with the text PostgreSQL quotes).
 */
export class LongCopy {
  stream: CopyStream | undefined;
  private writer: ChunkWriter | undefined;
  private lines = 0;
  private firstRow = 1;
  private sent: Sent[] = [];
  private sentRows = 0;

  constructor(
    private readonly start: () => CopyStream,
    private readonly encode: EncodeRows,
    private readonly ctx: SinkContext,
  ) {}

  async write(batch: RecordBatch, from: number, to: number, firstRow: number): Promise<void> {
    if (!this.writer) {
      this.stream = this.start();
      this.writer = new ChunkWriter(this.stream);
      this.lines = 0;
      this.firstRow = firstRow;
      this.sent = [];
      this.sentRows = 0;
    }
    this.remember({ batch, from, to, line: this.lines + 1 });
    this.lines += to - from;
    const text = this.encode(batch.rows, from, to, firstRow);
    await this.guard(() => this.writer!.write(text));
  }

  /** Ends the COPY (if one is open) and waits for the server to confirm it. */
  async end(): Promise<void> {
    if (!this.writer) return;
    await this.guard(() => this.writer!.end());
    this.writer = undefined;
    this.stream = undefined;
  }

  private async guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      // the server (or a dead connection) ended this COPY: nothing to cancel any more
      this.writer = undefined;
      this.stream = undefined;
      this.rejectNamedRow(err);
      throw err;
    }
  }

  private remember(entry: Sent): void {
    this.sent.push(entry);
    this.sentRows += entry.to - entry.from;
    while (this.sent.length > 1 && this.sentRows - (this.sent[0]!.to - this.sent[0]!.from) >= WINDOW_ROWS) {
      const old = this.sent.shift()!;
      this.sentRows -= old.to - old.from;
    }
  }

  private rejectNamedRow(err: unknown): void {
    const line = isRefusal(err) ? copyErrorLine(err) : undefined;
    if (line === undefined) return;
    const hit = this.sent.find((s) => line >= s.line && line < s.line + (s.to - s.from));
    if (hit) {
      rejectRow(this.ctx, hit.batch, hit.from + line - hit.line, this.firstRow + line - 1, err);
      return;
    }
    const quoted = /line \d+[^:]*: "([\s\S]*)"$/.exec((err as { where?: string }).where ?? '')?.[1];
    this.ctx.reject({ record: quoted ?? '', ...refusalReason(err), rule: 'database', position: { row: this.firstRow + line - 1 } });
  }
}
