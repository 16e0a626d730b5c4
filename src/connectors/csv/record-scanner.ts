/** The CSV syntax the scanner follows (the same as the papaparse parser's configuration). */
export interface CsvSyntax {
  readonly delimiter: string;
  readonly quote: string;
  readonly escape: string;
  readonly newline: string;
}

/** 64 Mi characters, the default of max_record_bytes. */
export const DEFAULT_MAX_RECORD = 64 * 1024 * 1024;
const FIELD = 0; // at the start of a field
const PLAIN = 1; // in an unquoted field
const QUOTED = 2; // in a quoted field
const CLOSED = 3; // after a closing quote (spaces may come before the delimiter or line break)
const STRAY = 4; // after text following a closing quote: the record ends at the next line break

/**
 * Finds where records end without building fields, so a record too long to keep can be skipped
 * while its text streams by. Follows papaparse's rules (a quoted field closes at a quote followed
 * by spaces and a delimiter or line break) and the splitter's rule for a stray quote (the record
 * ends at the end of that line). Resumable: text may arrive in pieces; `consumed` says how much
 * of the last text was scanned, the rest (a few characters) must be passed again with the next.
 */
export class RecordScanner {
  /** after a scan that found no record end: text[0, consumed) is scanned, the rest is carried. */
  consumed = 0;
  private mode = FIELD;
  private prev = '';
  private text = '';
  private nextDelim = -2;
  private nextLine = -2;
  private readonly lookahead: number;

  constructor(private readonly syntax: CsvSyntax) {
    this.lookahead = Math.max(syntax.delimiter.length, syntax.newline.length);
  }

  /** Starts a record at text[from]; `prev` is the character before it (for a non-quote escape). */
  startRecord(text: string, from: number): void {
    this.mode = FIELD;
    this.prev = from > 0 ? (text[from - 1] as string) : this.prev;
    this.setText(text);
  }

  /** Continues the current record in new text (the carried tail plus the next chunk). */
  setText(text: string): void {
    if (text !== this.text) {
      this.text = text;
      this.nextDelim = -2;
      this.nextLine = -2;
    }
  }

  /** Index of the line break ending the record being scanned, or -1 when the text ends first. */
  scan(from: number): number {
    const text = this.text;
    const { quote, escape, delimiter, newline } = this.syntax;
    let i = from;
    for (;;) {
      if (this.mode === FIELD) {
        if (i >= text.length) return this.stop(i);
        if (text[i] === quote) {
          this.mode = QUOTED;
          i++;
        } else this.mode = PLAIN;
      } else if (this.mode === PLAIN) {
        const d = this.delimAt(i);
        const nl = this.lineAt(i);
        if (d !== -1 && (nl === -1 || d < nl)) {
          i = d + delimiter.length;
          this.mode = FIELD;
        } else if (nl !== -1) return nl;
        else return this.stop(Math.max(i, text.length - this.lookahead + 1));
      } else if (this.mode === QUOTED) {
        const q = text.indexOf(quote, i);
        if (q === -1) return this.stop(text.length);
        if (escape === quote) {
          if (q + 1 >= text.length) return this.stop(q);
          if (text[q + 1] === quote) {
            i = q + 2;
            continue;
          }
        } else if ((q > 0 ? text[q - 1] : this.prev) === escape) {
          i = q + 1;
          continue;
        }
        i = q + 1;
        this.mode = CLOSED;
      } else if (this.mode === CLOSED) {
        while (i < text.length && text[i] === ' ') i++;
        if (text.startsWith(delimiter, i)) {
          i += delimiter.length;
          this.mode = FIELD;
        } else if (text.startsWith(newline, i)) return i;
        else if (text.length - i < this.lookahead && isPrefixOfEither(text.slice(i), delimiter, newline)) return this.stop(i);
        else this.mode = STRAY;
      } else {
        const nl = this.lineAt(i);
        return nl !== -1 ? nl : this.stop(Math.max(i, text.length - newline.length + 1));
      }
    }
  }

  private stop(at: number): -1 {
    this.consumed = at;
    if (at > 0) this.prev = this.text[at - 1] as string;
    return -1;
  }

  /** Next delimiter at or after i, cached so a long line with many fields is searched once. */
  private delimAt(i: number): number {
    if (this.nextDelim !== -1 && this.nextDelim < i) this.nextDelim = this.text.indexOf(this.syntax.delimiter, i);
    return this.nextDelim;
  }

  private lineAt(i: number): number {
    if (this.nextLine !== -1 && this.nextLine < i) this.nextLine = this.text.indexOf(this.syntax.newline, i);
    return this.nextLine;
  }
}

function isPrefixOfEither(tail: string, a: string, b: string): boolean {
  return a.startsWith(tail) || b.startsWith(tail);
}

/**
 * The first record in `text` (which starts at a record boundary) longer than `max`: its start,
 * the index of its line break (-1: it goes on past the text; the scanner holds its state).
 */
export function findLongRecord(
  text: string,
  syntax: CsvSyntax,
  max: number,
  final: boolean,
): { start: number; end: number; scanner: RecordScanner } | undefined {
  const scanner = new RecordScanner(syntax);
  for (let start = 0; ; ) {
    scanner.startRecord(text, start);
    let end = scanner.scan(start);
    if (end === -1 && final) end = text.length;
    // unfinished: only the scanned part counts (the carried tail may be the start of its line break)
    if ((end === -1 ? scanner.consumed : end) - start > max) return { start, end, scanner };
    if (end === -1 || end + syntax.newline.length >= text.length) return undefined;
    start = end + syntax.newline.length;
  }
}
