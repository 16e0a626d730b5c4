import type { DebugStageSnapshot } from '../../core/engine/types.js';
import type { Row, Value } from '../../core/records/types.js';
import { fmt } from './progress.js';
import { renderTable, truncate } from './table.js';

export const NULL_CELL = '∅';

/** One cell as text: null distinct from '' , binary as hex, json compact. */
export function cellText(value: Value | undefined): string {
  if (value === null || value === undefined) return NULL_CELL;
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function sampleTable(columns: readonly string[], rows: readonly Row[]): string[] {
  const names = columns.length ? columns : [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (!names.length) return ['  (no columns)'];
  const cells = rows.map((r) => names.map((n) => truncate(cellText(r[n]))));
  return renderTable(names.map((n) => truncate(n)), cells).map((l) => '  ' + l);
}

function rejectLines(snapshot: DebugStageSnapshot): string[] {
  if (!snapshot.rejects.length) return [];
  const lines = [`rejects (${fmt(snapshot.rejects.length)}):`];
  for (const r of snapshot.rejects.slice(0, 20)) {
    const at = r.position ? `${r.position}: ` : '';
    const rule = r.rule && !r.reason.includes(r.rule) ? ` [${r.rule}]` : '';
    lines.push(`  ${at}${r.reason}${rule}`);
    lines.push(`    ${truncate(typeof r.record === 'string' ? r.record : JSON.stringify(r.record, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)), 120)}`);
  }
  if (snapshot.rejects.length > 20) lines.push(`  … ${fmt(snapshot.rejects.length - 20)} more`);
  return lines;
}

/** Header, schema, row count, sample rows and rejects of one stage. */
export function renderStage(snapshot: DebugStageSnapshot, sampleSize: number): string[] {
  const lines = [`== stage ${snapshot.index}: ${snapshot.stage} (${snapshot.kind}) ==`];
  if (snapshot.summary) lines.push(snapshot.summary);
  lines.push(`schema: ${snapshot.schema.map((c) => `${c.name}: ${c.type}`).join(', ') || '(empty)'}`);
  lines.push(`rows: ${fmt(snapshot.rows)}`);
  const sample = snapshot.sample.slice(0, sampleSize);
  if (sample.length) {
    lines.push(`sample (${sample.length} of ${fmt(snapshot.rows)}):`);
    lines.push(...sampleTable(snapshot.schema.map((c) => c.name), sample));
  }
  lines.push(...rejectLines(snapshot));
  if (snapshot.sink_plan) {
    const p = snapshot.sink_plan;
    lines.push(`would write: ${p.target} (mode ${p.mode}); debug writes nothing`);
    for (const s of p.steps) lines.push(`  - ${s}`);
    for (const sql of p.statements ?? []) lines.push(`  ${sql}`);
  }
  lines.push('');
  return lines;
}
