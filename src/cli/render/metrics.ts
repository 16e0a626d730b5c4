import type { RunReport } from '../../core/engine/types.js';

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The run as Prometheus text exposition (for node_exporter's textfile collector):
 * rows read/written/rejected, duration, status and the time of the last run.
 */
export function renderMetrics(report: Partial<RunReport> & { pipeline: string; exit_code: number; status: string }): string {
  const p = `pipeline="${label(report.pipeline)}"`;
  const lines: string[] = [];
  const metric = (name: string, help: string, type: 'gauge' | 'counter', samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}{${labels}} ${value}`);
  };
  metric('etl_cli_rows_read', 'Rows read by the last run.', 'gauge', [[p, report.rows_read ?? 0]]);
  metric('etl_cli_rows_written', 'Rows written by the last run.', 'gauge', [[p, report.rows_written ?? 0]]);
  metric('etl_cli_rows_rejected', 'Rows rejected by the last run.', 'gauge', [[p, report.rows_rejected ?? 0]]);
  metric('etl_cli_run_seconds', 'Duration of the last run.', 'gauge', [[p, (report.ms ?? 0) / 1000]]);
  metric('etl_cli_run_exit_code', 'Exit code of the last run (0 = success).', 'gauge', [[`${p},status="${label(report.status)}"`, report.exit_code]]);
  metric('etl_cli_last_run_timestamp_seconds', 'When the last run finished (unix time).', 'gauge', [[p, Math.round(Date.parse(report.finished_at ?? new Date().toISOString()) / 1000)]]);
  for (const s of report.stages ?? []) {
    const sl = `${p},stage="${label(s.stage)}"`;
    lines.push(`etl_cli_stage_rows_out{${sl}} ${s.rows_out}`, `etl_cli_stage_rejected{${sl}} ${s.rejected}`);
  }
  return lines.join('\n') + '\n';
}
