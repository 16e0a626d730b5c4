import type { RejectInput } from '../../connectors/define.js';
import { DataQualityError, RunError } from '../errors.js';
import type { EventSink } from '../events.js';
import type { ErrorPolicy } from '../plan/types.js';
import type { Row, SourcePosition, Value } from '../records/types.js';
import type { SecretRegistry } from '../secrets.js';
import type { RejectOrigin } from './context.js';
import type { DeadLetterTarget } from './dead-letter-target.js';

export interface RejectSample {
  readonly stage: string;
  readonly reason: string;
  readonly rule?: string;
  readonly column?: string;
  readonly position?: string;
  readonly record: unknown;
}

export interface RejectCollectorOptions {
  readonly run_id: string;
  readonly policy: ErrorPolicy;
  readonly secrets: SecretRegistry;
  readonly events: EventSink;
  /** run mode: every reject is written here. */
  readonly writer?: DeadLetterTarget;
  /** how many rejects to keep in memory per stage (dry-run, debug). */
  readonly keep?: number;
  /** called once when max_rejects (count) is exceeded; the run aborts with this error. */
  readonly onExceeded?: (err: DataQualityError) => void;
  /** a failure writing the dead letter aborts the run. */
  readonly onError?: (err: RunError) => void;
}

/** Counts rejects per stage, writes them to the dead letter and enforces errors.max_rejects. */
export class RejectCollector {
  total = 0;
  failure: DataQualityError | undefined;
  private readonly byStage = new Map<string, number>();
  private readonly samples = new Map<string, RejectSample[]>();
  /** set once the source is exhausted: the denominator of a percentage max_rejects. */
  private rowsRead: number | undefined;

  constructor(private readonly opts: RejectCollectorOptions) {}

  count(stage: string): number {
    return this.byStage.get(stage) ?? 0;
  }

  kept(stage: string): readonly RejectSample[] {
    return this.samples.get(stage) ?? [];
  }

  allKept(): RejectSample[] {
    return [...this.samples.values()].flat();
  }

  reject(stage: string, input: RejectInput, origin: RejectOrigin = 'data'): void {
    this.total++;
    this.byStage.set(stage, this.count(stage) + 1);
    const raw = toSample(stage, input);
    // one JSON text, redacted once: written as the dead-letter line, parsed only for kept samples
    const text = this.opts.secrets.redact(JSON.stringify(raw));
    if (this.wantsSample(stage)) this.keep(stage, JSON.parse(text) as RejectSample);
    if (this.opts.writer) this.write(text);
    this.opts.events({
      type: 'rows.rejected', stage, count: 1, reason: this.opts.secrets.redact(raw.reason),
      ...(raw.rule === undefined ? {} : { rule: this.opts.secrets.redact(raw.rule) }),
    });
    if (origin === 'sink') this.checkRefusal(stage, raw.reason);
    this.checkCount();
    if (this.rowsRead !== undefined) this.checkFraction(this.rowsRead, false);
  }

  /** A row the target refused fails the run unless errors.max_rejects allows rejects (default 0). */
  private checkRefusal(stage: string, reason: string): void {
    if (this.failure || allowsRejects(this.opts.policy)) return;
    this.failure = new DataQualityError(`${stage} refused a row: ${this.opts.secrets.redact(reason)}`, {
      hint: `${this.opts.writer ? `the row is in ${this.opts.writer.description}; ` : ''}fix it and rerun, or set errors.max_rejects to load the other rows and keep refused ones in the dead letter`,
    });
    this.opts.onExceeded?.(this.failure);
  }

  private wantsSample(stage: string): boolean {
    return (this.samples.get(stage)?.length ?? 0) < (this.opts.keep ?? 0);
  }

  private keep(stage: string, sample: RejectSample): void {
    const list = this.samples.get(stage) ?? [];
    list.push(sample);
    this.samples.set(stage, list);
  }

  /** `sampleJson` is the redacted JSON object of the sample; run_id goes first, as before. */
  private write(sampleJson: string): void {
    try {
      this.opts.writer!.write(`{"run_id":${JSON.stringify(this.opts.run_id)},${sampleJson.slice(1)}`);
    } catch (err) {
      this.opts.onError?.(err instanceof RunError ? err : new RunError('E_DEAD_LETTER', String(err), { cause: err }));
    }
  }

  private checkCount(): void {
    const limit = this.opts.policy.max_rejects;
    if (this.failure || !limit || !('count' in limit) || this.total <= limit.count) return;
    this.failure = new DataQualityError(`more than ${limit.count} rows rejected (errors.max_rejects: ${limit.count})`, {
      hint: this.hint(),
    });
    this.opts.onExceeded?.(this.failure);
  }

  /**
   * max_rejects as a fraction: checked once every row has been read, before the sinks commit,
   * and again for each later reject (rows a sink refuses while it finishes its load).
   */
  checkFraction(rowsRead: number, raise = true): void {
    this.rowsRead = rowsRead;
    const limit = this.opts.policy.max_rejects;
    if (this.failure || !limit || !('fraction' in limit) || rowsRead === 0) return;
    const rate = this.total / rowsRead;
    if (rate <= limit.fraction) return;
    this.failure = new DataQualityError(
      `${this.total} of ${rowsRead} rows rejected (${pct(rate)}), more than errors.max_rejects (${pct(limit.fraction)})`,
      { hint: this.hint() },
    );
    this.opts.onExceeded?.(this.failure);
    if (raise) throw this.failure;
  }

  private hint(): string {
    const where = this.opts.writer ? `see ${this.opts.writer.description} for the reasons` : 'see the rejects and their reasons';
    return `${where}; fix the data or raise errors.max_rejects`;
  }
}

/** Whether errors.max_rejects lets any row be rejected (it is 0 when unset, for rows a sink refuses). */
export function allowsRejects(policy: ErrorPolicy): boolean {
  const limit = policy.max_rejects;
  return limit !== undefined && ('count' in limit ? limit.count > 0 : limit.fraction > 0);
}

function pct(f: number): string {
  return `${Number((f * 100).toFixed(2))}%`;
}

function toSample(stage: string, input: RejectInput): RejectSample {
  const position = formatPosition(input.position);
  return {
    stage,
    reason: input.reason,
    ...(input.rule === undefined ? {} : { rule: input.rule }),
    ...(input.column === undefined ? {} : { column: input.column }),
    ...(position === undefined ? {} : { position }),
    record: typeof input.record === 'string' ? input.record : jsonRecord(input.record),
  };
}

/** 'data.csv:12', 'data.csv row 12', 'row 12', or the locator. */
export function formatPosition(pos: SourcePosition | undefined): string | undefined {
  if (!pos) return undefined;
  if (pos.file !== undefined && pos.line !== undefined) return `${pos.file}:${pos.line}`;
  if (pos.locator !== undefined) return pos.file === undefined ? pos.locator : `${pos.file} ${pos.locator}`;
  if (pos.row !== undefined) return pos.file === undefined ? `row ${pos.row}` : `${pos.file} row ${pos.row}`;
  return pos.file;
}

/** bigint → decimal text, binary → base64, so a record is plain JSON. */
export function jsonRecord(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = jsonValue(v);
  return out;
}

function jsonValue(v: Value): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}
