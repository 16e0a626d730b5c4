import type { DryRunReport } from '../../core/engine/types.js';
import { fmt } from './progress.js';
import { formatMs, renderTable } from './table.js';

function indent(lines: readonly string[], by = '    '): string[] {
  return lines.flatMap((l) => l.split('\n')).map((l) => by + l);
}

function sinkLines(sink: DryRunReport['sinks'][number]): string[] {
  const lines = [`  ${sink.stage}: ${sink.target}`, `    mode: ${sink.mode}`, `    rows it would write: ${fmt(sink.rows)}`];
  if (sink.steps.length) {
    lines.push('    steps:');
    sink.steps.forEach((s, i) => lines.push(`      ${i + 1}. ${s}`));
  }
  if (sink.statements?.length) {
    lines.push('    SQL:');
    for (const sql of sink.statements) lines.push(...indent([sql.trimEnd() + (sql.trimEnd().endsWith(';') ? '' : ';')], '      '));
  }
  const map = Object.entries(sink.type_map ?? {});
  if (map.length) {
    lines.push('    type map:');
    lines.push(...indent(renderTable(['column', 'target type'], map, { rule: false }), '      '));
  }
  return lines;
}

/** One line per stream of a `streams:` dry-run: rows, rejects, targets, watermark window. */
function streamLines(streams: NonNullable<DryRunReport['streams']>): string[] {
  const rows = streams.map((s) => [
    s.stream, fmt(s.rows_read), fmt(s.rows_out), fmt(s.rows_rejected), s.sinks.map((k) => k.target).join(', '),
    s.watermark ? `> ${s.watermark.after ?? '(start)'}${s.watermark.until !== undefined ? ` <= ${s.watermark.until}` : ''}` : '',
  ]);
  return ['', `streams (${streams.length}):`, ...renderTable(['stream', 'rows read', 'rows out', 'rejected', 'target', 'watermark'], rows, { right: [1, 2, 3] }).map((l) => '  ' + l)];
}

/** What `run` would do, in the order it would do it. */
export function renderDryRun(report: DryRunReport): string[] {
  const lines = [`dry-run of ${report.pipeline}: nothing was written`, '', `source: ${report.source.summary}`];
  for (const sql of report.source.statements ?? []) lines.push(...indent([sql]));
  for (const step of report.steps ?? []) lines.push(`${step.stage}: ${step.summary}`);
  if (report.watermark) {
    const w = report.watermark;
    lines.push(`watermark window: ${w.column} > ${w.after ?? '(start)'}${w.until !== undefined ? ` and <= ${w.until}` : ''}`);
  }
  lines.push('');
  const rows = report.stages.map((s) => [s.stage, fmt(s.rows_in), fmt(s.rows_out), fmt(s.rejected), formatMs(s.ms)]);
  lines.push(...renderTable(['stage', 'rows in', 'rows out', 'rejected', 'time'], rows, { right: [1, 2, 3, 4] }));
  if (report.streams?.length) lines.push(...streamLines(report.streams));
  const schemas = report.streams?.length ? report.streams.map((s) => [` [${s.stream}]`, s.schema] as const) : [['', report.schema] as const];
  const schemaLines = schemas.filter(([, schema]) => schema.length).map(([tag, schema]) => `schema${tag}: ${schema.map((c) => `${c.name}: ${c.type}`).join(', ')}`);
  if (schemaLines.length) lines.push('', ...schemaLines);
  lines.push('', 'would write:');
  for (const sink of report.sinks) lines.push(...sinkLines(sink));
  lines.push('');
  if (report.rows_rejected > 0) {
    lines.push(`would reject ${fmt(report.rows_rejected)} row${report.rows_rejected === 1 ? '' : 's'}${report.dead_letter ? ` to ${report.dead_letter}` : ''}`);
  } else lines.push('would reject no rows');
  lines.push(`read ${fmt(report.rows_read)}, out ${fmt(report.rows_out)}`);
  return lines;
}
