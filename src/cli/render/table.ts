/** Aligned plain-text tables for summaries, debug samples and option lists. */
export interface TableOptions {
  /** column indexes aligned to the right (numbers). */
  readonly right?: readonly number[];
  /** a rule of dashes under the header. */
  readonly rule?: boolean;
}

function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return right ? fill + text : text + fill;
}

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const right = new Set(options.right ?? []);
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => pad(c, widths[i] ?? 0, right.has(i))).join('  ').trimEnd();
  const out = [line(header)];
  if (options.rule !== false) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) out.push(line(row));
  return out;
}

/** Shortens a cell to `max` characters with an ellipsis, on one line. */
export function truncate(text: string, max = 30): string {
  const flat = text.replace(/\r?\n/g, '⏎');
  const chars = [...flat];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : flat;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}
