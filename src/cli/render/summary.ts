import type { RunReport, StageSummary, StreamSummary } from '../../core/engine/types.js';
import { fmt } from './progress.js';
import { formatMs, renderTable } from './table.js';

function stageRow(s: StageSummary): string[] {
  return [s.stage, fmt(s.rows_in), fmt(s.rows_out), fmt(s.rejected), formatMs(s.ms), fmt(Math.round(s.rows_per_sec))];
}

/** One line per stream of a `streams:` run: status, counts, watermark and error. */
export function renderStreams(streams: readonly StreamSummary[]): string[] {
  const rows = streams.map((s) => [
    s.stream, s.status, fmt(s.rows_read), fmt(s.rows_written), fmt(s.rows_rejected), s.watermark ?? '', s.error ? `${s.error.code}: ${s.error.message}` : '',
  ]);
  return renderTable(['stream', 'status', 'read', 'written', 'rejected', 'watermark', 'error'], rows, { right: [2, 3, 4] });
}

/** `rows_written` adds up every sink of a fan-out: say so when there are several. */
function targetsNote(report: RunReport): string {
  return report.targets.length > 1 ? ` to ${report.targets.length} targets` : '';
}

/** The run summary (stdout): per-stage table, totals, targets, dead letter, watermark. */
export function renderRunSummary(report: RunReport): string[] {
  const rows = report.stages.map(stageRow);
  const lines = renderTable(['stage', 'rows in', 'rows out', 'rejected', 'time', 'rows/s'], rows, { right: [1, 2, 3, 4, 5] });
  lines.push('');
  lines.push(
    `${report.status === 'ok' ? 'done' : report.status}: read ${fmt(report.rows_read)}, wrote ${fmt(report.rows_written)}${targetsNote(report)}, ` +
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
  if (report.streams?.length) {
    const failed = report.streams.filter((s) => s.status !== 'ok').length;
    lines.push('', `streams: ${report.streams.length}${failed ? ` (${failed} not ok)` : ''}`, ...renderStreams(report.streams).map((l) => '  ' + l));
  }
  return lines;
}
