import Papa from 'papaparse';
import { RunError } from '../../core/errors.js';

/** One CSV record with the physical line it starts on. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
  /** set for malformed records (papaparse quote errors, wrong field count). */
  readonly error?: string;
  /** the record's text as in the file (without its line end), for malformed records only. */
  readonly raw?: string;
}

export interface SplitterOptions {
  readonly delimiter: string;
  readonly quote: string;
  readonly escape: string;
  /** line number of the first line fed (after skip_lines). */
  readonly first_line: number;
  /** largest record held while waiting for its end (an unterminated quote reads to EOF). */
  readonly max_record_chars?: number;
}

interface PapaResult {
  data: string[][];
  errors: { code: string; row: number; index: number }[];
  meta: { cursor: number };
}
interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): PapaResult;
}
type PapaParserCtor = new (config: Record<string, unknown>) => PapaParser;

const DEFAULT_MAX_RECORD = 256 * 1024 * 1024;

/**
 * Splits streamed CSV text into records with papaparse's core parser, fed chunk by chunk (the
 * unfinished last record is kept for the next chunk). Lines are counted exactly: a record spans
 * one line plus the line ends inside its fields (quoted newlines), so every record knows the
 * physical line it starts on. The first non-blank record fixes `expected_fields`; later records
 * with another field count are flagged as malformed, with their raw text.
 */
export class CsvSplitter {
  expected_fields: number | undefined;
  private parser: PapaParser | undefined;
  private lineEnd: '\n' | '\r' = '\n';
  private newline = '\n';
  private buf = '';
  private line: number;
  private waitFor = 0;

  constructor(private readonly options: SplitterOptions) {
    this.line = options.first_line;
  }

  /** The line the unparsed text starts on (for errors between records). */
  get currentLine(): number {
    return this.line;
  }

  push(text: string): CsvRecord[] {
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    if (this.buf.length < this.waitFor) return [];
    if (this.parser === undefined && !lineEndKnown(this.buf)) return [];
    const records = this.parse(false);
    if (records.length === 0) this.guardPending();
    return records;
  }

  end(): CsvRecord[] {
    return this.buf.length === 0 ? [] : this.parse(true);
  }

  /** Counts line ends in text decoded since the last record, to place an encoding error. */
  lineOf(textBefore: string): number {
    return this.line + count(this.buf, this.lineEnd) + count(textBefore, this.lineEnd);
  }

  private parse(final: boolean): CsvRecord[] {
    let out: CsvRecord[] = [];
    while (this.buf.length > 0) {
      const input = this.buf;
      const parser = this.parser ?? this.createParser(input);
      const result = parser.parse(input, 0, !final);
      const stray = result.errors.find((e) => e.code === 'InvalidQuotes' && e.row <= result.data.length);
      const cut = stray === undefined ? -1 : this.strayRecordEnd(input, stray.index, final);
      if (stray === undefined || cut === -1) {
        const consumed = final ? input.length : result.meta.cursor;
        this.buf = input.slice(consumed);
        this.waitFor = result.data.length === 0 && out.length === 0 ? this.buf.length * 2 : 0;
        const records = this.toRecords(input, result.data, errorMap(result.errors, result.data.length), consumed);
        out = out.length === 0 ? records : out.concat(records);
        break;
      }
      // papaparse reads on after a stray quote until a quote that can close the field, which can
      // swallow many lines: cut the bad record at the end of the line holding the stray quote.
      const startLine = this.line;
      out = out.concat(this.toRecords(input, result.data.slice(0, stray.row), errorMap(result.errors, stray.row)));
      const from = nthLineStart(input, this.line - startLine, this.lineEnd);
      const raw = input.slice(from, cut);
      out.push({ fields: [raw], line: this.line, error: describePapaError('InvalidQuotes'), raw: stripLineEnd(raw) });
      this.line += 1 + count(raw, this.lineEnd);
      this.buf = input.slice(Math.min(input.length, cut + this.newline.length));
    }
    return out;
  }

  /** End (the line break's index) of the line holding the first stray quote after `index`. */
  private strayRecordEnd(input: string, index: number, final: boolean): number {
    const { quote, escape, delimiter } = this.options;
    let i = index;
    for (;;) {
      const q = input.indexOf(quote, i);
      if (q === -1) return final ? input.length : -1;
      if (escape === quote && input[q + 1] === quote) {
        i = q + 2;
        continue;
      }
      if ((escape !== quote && input[q - 1] === escape) || input.startsWith(delimiter, q + 1) || input.startsWith(this.newline, q + 1)) {
        i = q + 1;
        continue;
      }
      const nl = input.indexOf(this.newline, q);
      return nl === -1 ? (final ? input.length : -1) : nl;
    }
  }

  /**
   * `consumed`: length of the input these rows came from, or -1 when unknown. When that text has
   * exactly one line end per record, no field holds a line break and the per-field scan is skipped.
   */
  private toRecords(input: string, rows: string[][], errors: Map<number, string>, consumed = -1): CsvRecord[] {
    const out: CsvRecord[] = new Array<CsvRecord>(rows.length);
    const end = this.lineEnd;
    const startLine = this.line;
    let line = startLine;
    let starts: number[] | undefined;
    const oneLineEach = consumed >= 0 && countIn(input, end, consumed) === rows.length - (input[consumed - 1] === end ? 0 : 1);
    for (let r = 0; r < rows.length; r++) {
      const fields = rows[r] as string[];
      let span = 1;
      if (!oneLineEach) {
        for (let f = 0; f < fields.length; f++) {
          const v = fields[f] as string;
          if (v.length > 0 && v.indexOf(end) !== -1) span += count(v, end);
        }
      }
      let error = errors.get(r);
      // the first record (header or not) fixes the field count of every later one
      if (error === undefined && this.expected_fields === undefined && !isBlank(fields)) this.expected_fields = fields.length;
      if (error === undefined && this.expected_fields !== undefined && fields.length !== this.expected_fields && !isBlank(fields)) {
        error = `expected ${this.expected_fields} field${this.expected_fields === 1 ? '' : 's'}, found ${fields.length}`;
      }
      if (error === undefined) {
        out[r] = { fields, line };
      } else {
        starts ??= lineStarts(input, end);
        const from = starts[line - startLine] ?? input.length;
        const to = starts[line - startLine + span] ?? input.length;
        out[r] = { fields, line, error, raw: stripLineEnd(input.slice(from, to)) };
      }
      line += span;
    }
    this.line = line;
    return out;
  }

  private createParser(sample: string): PapaParser {
    const nl = sample.indexOf('\n');
    let newline: string;
    if (nl > 0 && sample[nl - 1] === '\r') newline = '\r\n';
    else if (nl === -1 && sample.includes('\r')) newline = '\r';
    else newline = '\n';
    this.lineEnd = newline === '\r' ? '\r' : '\n';
    this.newline = newline;
    const Parser = (Papa as unknown as { Parser: PapaParserCtor }).Parser;
    this.parser = new Parser({
      delimiter: this.options.delimiter,
      newline,
      quoteChar: this.options.quote,
      escapeChar: this.options.escape,
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
    });
    return this.parser;
  }

  private guardPending(): void {
    const max = this.options.max_record_chars ?? DEFAULT_MAX_RECORD;
    if (this.buf.length > max) {
      throw new RunError('E_CSV_RECORD_TOO_LARGE', `a record starting at line ${this.line} is longer than ${max} characters`, {
        hint: 'look for an unterminated quote on that line, or set quote: to the right character',
        where: { position: `line ${this.line}` },
      });
    }
  }
}

/** A line with nothing on it: papaparse gives one empty field. Skipped, but its line is counted. */
export function isBlank(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}

function describePapaError(code: string): string {
  switch (code) {
    case 'MissingQuotes':
      return 'unterminated quoted field';
    case 'InvalidQuotes':
      return 'malformed quotes (text after a closing quote)';
    default:
      return `malformed record (${code})`;
  }
}

/** The line end style can be told once a `\n` is seen, or a `\r` followed by something else. */
function lineEndKnown(text: string): boolean {
  if (text.includes('\n')) return true;
  const cr = text.indexOf('\r');
  return cr !== -1 && cr < text.length - 1;
}

function errorMap(errors: readonly { code: string; row: number }[], rows: number): Map<number, string> {
  const map = new Map<number, string>();
  for (const e of errors) {
    if (e.row < rows && !map.has(e.row)) map.set(e.row, describePapaError(e.code));
  }
  return map;
}

function nthLineStart(text: string, n: number, ch: string): number {
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const i = text.indexOf(ch, pos);
    if (i === -1) return text.length;
    pos = i + 1;
  }
  return pos;
}

/** Occurrences of `ch` in text[0, to). */
function countIn(text: string, ch: string, to: number): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1 && i < to; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

function lineStarts(text: string, ch: string): number[] {
  const starts = [0];
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) starts.push(i + 1);
  return starts;
}

function stripLineEnd(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n') || text.endsWith('\r')) return text.slice(0, -1);
  return text;
}
