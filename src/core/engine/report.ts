import type { EtlError } from '../errors.js';
import { ExitCode, DataQualityError, InterruptedError } from '../errors.js';
import type { Column, ColumnType, RecordSchema } from '../records/types.js';
import type { SecretRegistry } from '../secrets.js';
import type { Plan } from '../plan/types.js';
import type { StageStats } from './stream.js';
import type { RunReport, StageSummary } from './types.js';

/** What each transform step says it does besides rows (`describe`), secrets redacted. */
export function stepSummaries(plan: Plan): { stage: string; summary: string }[] {
  return plan.transforms.flatMap((t) => {
    const summary = t.definition.describe?.({ ...t.options });
    return summary ? [{ stage: t.label, summary: plan.secrets.redact(summary) }] : [];
  });
}

/** StageSummary from live counters; `ms` is the stage's own time, `rejected` its rejects. */
export function summarize(stats: StageStats, ms: number, rejected: number, rows_out = stats.rows_out): StageSummary {
  const rows_in = stats.kind === 'extract' ? stats.rows_out : stats.rows_in;
  const rounded = Math.round(ms);
  return {
    stage: stats.stage,
    kind: stats.kind,
    type: stats.type,
    rows_in,
    rows_out,
    rejected,
    ms: rounded,
    rows_per_sec: rate(Math.max(rows_in, rows_out), ms),
  };
}

export function rate(rows: number, ms: number): number {
  return ms > 0 ? Math.round((rows * 1000) / ms) : rows > 0 ? rows * 1000 : 0;
}

export function schemaColumns(schema: RecordSchema): { name: string; type: ColumnType }[] {
  return schema.columns.map((c: Column) => ({ name: c.name, type: c.type }));
}

export function statusOf(error: EtlError | undefined): RunReport['status'] {
  if (!error) return 'ok';
  if (error instanceof InterruptedError) return 'interrupted';
  if (error instanceof DataQualityError) return 'rejects_exceeded';
  return 'failed';
}

export function exitCodeOf(error: EtlError | undefined): number {
  return error ? error.exitCode : ExitCode.Ok;
}

export function errorSummary(error: EtlError, secrets: SecretRegistry): { code: string; message: string } {
  return { code: error.code, message: secrets.redact(error.message) };
}

/** The status a `run.finished` event carries for a report's status. */
export function finishedStatus(status: RunReport['status']): 'ok' | 'interrupted' | 'failed' {
  return status === 'ok' || status === 'interrupted' ? status : 'failed';
}
