/** Line counting and small text helpers for the CSV splitter. */

/** Characters of a too-long record kept for its reject. */
const PREVIEW_CHARS = 1024;

/** The line end style can be told once a `\n` is seen, or a `\r` followed by something else. */
export function lineEndKnown(text: string): boolean {
  if (text.includes('\n')) return true;
  const cr = text.indexOf('\r');
  return cr !== -1 && cr < text.length - 1;
}

export function nthLineStart(text: string, n: number, ch: string): number {
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const i = text.indexOf(ch, pos);
    if (i === -1) return text.length;
    pos = i + 1;
  }
  return pos;
}

/** Occurrences of `ch` in text[0, to). */
export function countIn(text: string, ch: string, to: number): number {
  return countBetween(text, ch, 0, to);
}

export function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

export function lineStarts(text: string, ch: string): number[] {
  const starts = [0];
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) starts.push(i + 1);
  return starts;
}

export function stripLineEnd(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n') || text.endsWith('\r')) return text.slice(0, -1);
  return text;
}

/** The first 1 KiB of text[start…], copied so that it does not keep the whole text alive (V8 slices share their parent). */
export function preview(text: string, start: number): string {
  const head = text.slice(start, start + PREVIEW_CHARS).replace(/[\uD800-\uDBFF]$/, '');
  return Buffer.from(head, 'utf8').toString('utf8');
}

/** Occurrences of `ch` in text[from, to). */
export function countBetween(text: string, ch: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf(ch, from); i !== -1 && i < to; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** The preview of a record kept in pieces (and followed by `more`), without joining them all. */
export function previewOf(pieces: readonly string[], more: string): string {
  let head = '';
  for (const p of pieces) {
    if (head.length >= PREVIEW_CHARS) break;
    head += p.slice(0, PREVIEW_CHARS);
  }
  return preview(head.length >= PREVIEW_CHARS ? head : head + more.slice(0, PREVIEW_CHARS), 0);
}
