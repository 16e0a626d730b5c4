import type { RunReport, StageSummary } from '../../core/engine/types.js';
import { fmt } from './progress.js';
import { formatMs, renderTable } from './table.js';

function stageRow(s: StageSummary): string[] {
  return [s.stage, fmt(s.rows_in), fmt(s.rows_out), fmt(s.rejected), formatMs(s.ms), fmt(Math.round(s.rows_per_sec))];
}

/** The run summary (stdout): per-stage table, totals, targets, dead letter, watermark. */
export function renderRunSummary(report: RunReport): string[] {
  const rows = report.stages.map(stageRow);
  const lines = renderTable(['stage', 'rows in', 'rows out', 'rejected', 'time', 'rows/s'], rows, { right: [1, 2, 3, 4, 5] });
  lines.push('');
  lines.push(
    `${report.status === 'ok' ? 'done' : report.status}: read ${fmt(report.rows_read)}, wrote ${fmt(report.rows_written)}, ` +
      `rejected ${fmt(report.rows_rejected)} in ${formatMs(report.ms)} (${fmt(Math.round(report.rows_per_sec))} rows/s)`,
  );
  for (const t of report.targets) lines.push(`target: ${t.target} (${t.mode}, ${fmt(t.rows_written)} rows)`);
  if (report.dead_letter) lines.push(`dead letter: ${report.dead_letter} (${fmt(report.rows_rejected)} rows)`);
  else if (report.rows_rejected > 0) lines.push(`rejected rows were counted only (set errors.dead_letter to keep them)`);
  if (report.watermark?.saved !== undefined) {
    const prev = report.watermark.previous !== undefined ? ` (was ${report.watermark.previous})` : '';
    lines.push(`watermark saved: ${report.watermark.column} = ${report.watermark.saved}${prev}`);
  } else if (report.watermark) {
    lines.push(`watermark unchanged: ${report.watermark.column}${report.watermark.previous !== undefined ? ` = ${report.watermark.previous}` : ''}`);
  }
  if (report.retries > 0) lines.push(`retries: ${report.retries}`);
  return lines;
}
