import type { EventSink } from '../events.js';
import type { ColumnType, Row } from '../records/types.js';
import type { SinkPlan, SourceDescription } from '../../connectors/define.js';

export interface EngineOptions {
  readonly signal: AbortSignal;
  readonly events: EventSink;
  /** stop after N source rows. */
  readonly limit?: number;
  /** env for anything that needs it (state dir override). */
  readonly run_id?: string;
}

export interface RunOptions extends EngineOptions {
  /** ignore the stored watermark (reads everything; the new watermark is saved on success). */
  readonly full_refresh?: boolean;
  /** backfill range for incremental sources; does not move the stored watermark. */
  readonly from?: string;
  readonly to?: string;
  /** take the run lock even if another live process holds it. */
  readonly force?: boolean;
}

export interface StageSummary {
  readonly stage: string;
  readonly kind: 'extract' | 'transform' | 'load';
  readonly type: string;
  readonly rows_in: number;
  readonly rows_out: number;
  readonly rejected: number;
  readonly ms: number;
  readonly rows_per_sec: number;
}

export interface QualityRuleSummary {
  readonly stage: string;
  readonly rule: string;
  readonly checked: number;
  readonly failed: number;
  readonly failure_rate: number;
  readonly samples: readonly unknown[];
}

export interface RunReport {
  readonly pipeline: string;
  readonly run_id: string;
  readonly status: 'ok' | 'failed' | 'interrupted' | 'rejects_exceeded';
  readonly started_at: string;
  readonly finished_at: string;
  readonly ms: number;
  readonly rows_read: number;
  readonly rows_written: number;
  readonly rows_rejected: number;
  readonly rows_per_sec: number;
  readonly stages: readonly StageSummary[];
  readonly targets: readonly { readonly stage: string; readonly target: string; readonly mode: string; readonly rows_written: number }[];
  /** where the rejects went: the file path, or 'table etl_rejects (connection warehouse)'. */
  readonly dead_letter?: string;
  readonly watermark?: { readonly column: string; readonly previous?: string; readonly saved?: string };
  readonly retries: number;
  readonly quality: readonly QualityRuleSummary[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly exit_code: number;
  /** a `streams:` run: one line per stream (the top-level counts are their totals). */
  readonly streams?: readonly StreamSummary[];
}

export interface StreamSummary {
  readonly stream: string;
  readonly status: RunReport['status'] | 'skipped';
  readonly rows_read: number;
  readonly rows_written: number;
  readonly rows_rejected: number;
  /** the watermark saved by this run (or the one it kept). */
  readonly watermark?: string;
  readonly targets: readonly string[];
  readonly dead_letter?: string;
  readonly ms: number;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface DryRunReport {
  readonly pipeline: string;
  readonly source: SourceDescription;
  /** what transform steps do besides rows ("lookup loads data/customers.csv (csv) into memory…"). */
  readonly steps?: readonly { readonly stage: string; readonly summary: string }[];
  readonly watermark?: { readonly column: string; readonly after?: string; readonly until?: string };
  readonly rows_read: number;
  readonly rows_out: number;
  readonly rows_rejected: number;
  readonly stages: readonly StageSummary[];
  /** what each sink would do: target, mode, steps, exact SQL, type map. */
  readonly sinks: readonly (SinkPlan & { readonly stage: string; readonly rows: number })[];
  readonly dead_letter?: string;
  readonly schema: readonly { readonly name: string; readonly type: ColumnType }[];
  /** the first rejects (secrets redacted), so the user sees why rows would be rejected. */
  readonly rejects?: readonly DryRunReject[];
  /** set when the run would fail with exit 3 (errors.max_rejects exceeded): the message. */
  readonly rejects_exceeded?: string;
  /** a `streams:` pipeline: the expanded stream list, and each stream's own dry-run. */
  readonly streams?: readonly (DryRunReport & { readonly stream: string })[];
}

export interface DryRunReject {
  readonly stage: string;
  readonly reason: string;
  readonly rule?: string;
  readonly column?: string;
  readonly position?: string;
  readonly record: unknown;
}

export interface DebugStageSnapshot {
  readonly index: number;
  readonly stage: string;
  readonly kind: 'extract' | 'transform' | 'load';
  /** a transform's own line on what it does besides rows (lookup: what it loads). */
  readonly summary?: string;
  readonly schema: readonly { readonly name: string; readonly type: ColumnType }[];
  readonly rows: number;
  readonly sample: readonly Row[];
  readonly rejects: readonly { readonly reason: string; readonly rule?: string; readonly record: unknown; readonly position?: string }[];
  /** for the load stage: what it would do (debug never writes). */
  readonly sink_plan?: SinkPlan;
}

export interface DebugOptions extends EngineOptions {
  /** stop after this stage index (0 = extract). */
  readonly stop_after?: number;
  /** called after each stage; the CLI renders and (with --step) waits for Enter. */
  readonly on_stage: (snapshot: DebugStageSnapshot) => Promise<void>;
  /** how many rows to show per stage. */
  readonly sample_size?: number;
}
