import type { RunReport, StageSummary } from '../../core/engine/types.js';

/** What a metrics file needs: a full report, or the partial one a failed run carries. */
export type MetricsReport = Partial<RunReport> & { readonly pipeline: string; readonly exit_code: number; readonly status: string };

/** A label value in the text format: backslash, double quote and newline escaped. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function number(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  return String(n);
}

type Labels = Readonly<Record<string, string>>;

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge', help: string, samples: readonly (readonly [Labels, number])[]): void {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const text = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      this.lines.push(`${name}{${text}} ${number(value)}`);
    }
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

/**
 * Per-stage samples whose sum is exactly the report's total: `value` per matching stage, and
 * what no stage accounts for (a failure before the first stage, unattributed rejects) under
 * stage="" (an empty label is the same as no label to Prometheus).
 */
function perStage(pipeline: string, stages: readonly StageSummary[], total: number, value: (s: StageSummary) => number | undefined): [Labels, number][] {
  const samples: [Labels, number][] = [];
  let sum = 0;
  for (const s of stages) {
    const v = value(s);
    if (v === undefined) continue;
    samples.push([{ pipeline, stage: s.stage }, v]);
    sum += v;
  }
  if (!samples.length || total > sum) samples.push([{ pipeline, stage: '' }, Math.max(0, total - sum)]);
  return samples;
}

function unixSeconds(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Math.round((Number.isNaN(t) ? Date.now() : t) / 1000);
}

/**
 * The run as Prometheus text exposition format (node_exporter's textfile collector, Pushgateway):
 * rows read/written/rejected per stage, duration, retries, exit code, and the time of the last
 * success (only when this run succeeded, so an alert on its age fires after failures).
 */
export function renderMetrics(report: MetricsReport): string {
  const pipeline = report.pipeline;
  const p = { pipeline };
  const stages = report.stages ?? [];
  const out = new Exposition();
  const written = new Map<string, number>();
  for (const t of report.targets ?? []) written.set(t.stage, (written.get(t.stage) ?? 0) + t.rows_written);
  out.family('etl_rows_read_total', 'counter', 'Rows read from the source by the last run, per extract stage.',
    perStage(pipeline, stages, report.rows_read ?? 0, (s) => (s.kind === 'extract' ? s.rows_in : undefined)));
  out.family('etl_rows_written_total', 'counter', 'Rows committed to the target by the last run, per load stage.',
    perStage(pipeline, stages, report.rows_written ?? 0, (s) => (s.kind === 'load' ? (written.get(s.stage) ?? 0) : undefined)));
  out.family('etl_rows_rejected_total', 'counter', 'Rows rejected (sent to the dead letter) by the last run, per stage.',
    perStage(pipeline, stages, report.rows_rejected ?? 0, (s) => s.rejected));
  out.family('etl_run_duration_seconds', 'gauge', 'Wall time of the last run in seconds.', [[p, (report.ms ?? 0) / 1000]]);
  out.family('etl_retries_total', 'counter', 'Retries of transient failures during the last run.', [[p, report.retries ?? 0]]);
  out.family('etl_last_run_exit_code', 'gauge', 'Exit code of the last run (0 success, 1 failed, 2 invalid, 3 rejects exceeded, 4 locked, 130 interrupted).', [[p, report.exit_code]]);
  out.family('etl_last_run_timestamp_seconds', 'gauge', 'When the last run finished (unix time).', [[p, unixSeconds(report.finished_at)]]);
  if (report.exit_code === 0) {
    out.family('etl_last_success_timestamp_seconds', 'gauge', 'When the last successful run finished (unix time).', [[p, unixSeconds(report.finished_at)]]);
  }
  return out.toString();
}
