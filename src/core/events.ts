import type { ColumnType } from './records/types.js';
import type { QualityRuleSummary } from './engine/types.js';

/**
 * Everything the core tells the outside world goes through these typed events. The CLI renders
 * them (spinner, text, NDJSON); the summary and --report are computed from them. Core code never
 * writes to stdout/stderr.
 */
export type EtlEvent =
  | { type: 'run.started'; pipeline: string; run_id: string; mode: 'run' | 'dry-run' | 'debug'; at: string }
  | { type: 'stage.started'; stage: string; kind: StageKind; connector: string }
  | { type: 'batch.read'; stage: string; rows: number; total: number }
  | { type: 'batch.written'; stage: string; rows: number; total: number }
  | { type: 'rows.rejected'; stage: string; count: number; reason: string; rule?: string }
  | { type: 'retry.scheduled'; stage: string; attempt: number; wait_ms: number; reason: string }
  | { type: 'checkpoint.saved'; stream?: string; watermark: string }
  | { type: 'stage.finished'; stage: string; kind: StageKind; rows_in: number; rows_out: number; rejected: number; ms: number }
  | { type: 'warning'; message: string; stage?: string }
  | { type: 'info'; message: string; stage?: string }
  | { type: 'schema.inferred'; stage: string; columns: { name: string; type: ColumnType }[] }
  | { type: 'run.finished'; status: 'ok' | 'failed' | 'interrupted'; ms: number }
  /** a validate-like transform's per-rule counts; the run report collects them into `quality`. */
  | { type: 'quality.summary'; stage: string; rules: QualityRuleSummary[] };

export type StageKind = 'extract' | 'transform' | 'load';

export type EventSink = (event: EtlEvent) => void;

export const ignoreEvents: EventSink = () => {};
