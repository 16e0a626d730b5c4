import Papa from 'papaparse';
import { DEFAULT_MAX_RECORD, findLongRecord, RecordScanner } from './record-scanner.js';
import { count, countBetween, countIn, lineEndKnown, lineStarts, nthLineStart, preview, previewOf, stripLineEnd } from './text-lines.js';

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
  /** longest record kept, in characters of text (default 64 Mi); a longer one is skipped and flagged. */
  readonly max_record?: number;
  /** pending text from which a record is followed with the scanner (default 1 Mi; small in tests). */
  readonly follow_from?: number;
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

/** Pending text from which a record no longer in one chunk is followed with a scanner (1 Mi). */
const FOLLOW_FROM = 1024 * 1024;

/** A record longer than a chunk, followed chunk by chunk until its end. */
interface LongRecord {
  readonly line: number;
  readonly scanner: RecordScanner;
  /** line ends and characters in its text scanned so far. */
  lineEnds: number;
  length: number;
  /** its text so far while it may still fit max_record; undefined once it is too long (skipped). */
  kept: string[] | undefined;
}

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
  private long: LongRecord | undefined;
  private readonly max: number;

  constructor(private readonly options: SplitterOptions) {
    this.line = options.first_line;
    this.max = options.max_record ?? DEFAULT_MAX_RECORD;
  }

  /** The line the unparsed text starts on (for errors between records). */
  get currentLine(): number {
    return this.line;
  }

  push(text: string): CsvRecord[] {
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    return this.next(false);
  }

  end(): CsvRecord[] {
    return this.next(true);
  }

  /** Counts line ends in text decoded since the last record, to place an encoding error. */
  lineOf(textBefore: string): number {
    const followed = this.long === undefined ? 0 : this.long.lineEnds;
    return this.line + followed + count(this.buf, this.lineEnd) + count(textBefore, this.lineEnd);
  }

  /**
   * The pending text `buf` always starts at a record boundary. While it is no longer than
   * max_record, no record in it can be too long and papaparse gets it as is (the common path).
   */
  private next(final: boolean): CsvRecord[] {
    if (this.long !== undefined) return this.follow(final);
    if (this.buf.length > this.max) return this.parseBounded(final);
    if (final) return this.buf.length === 0 ? [] : this.parse(true);
    if (this.buf.length < this.waitFor) return [];
    if (this.parser === undefined && !lineEndKnown(this.buf)) return [];
    const records = this.parse(false);
    if (records.length === 0 && this.buf.length >= (this.options.follow_from ?? FOLLOW_FROM)) this.startFollowing();
    return records;
  }

  /**
   * `buf` is longer than max_record: finds the first record in it that is too long, parses the
   * records before it, flags it, and skips its text (now or, when it goes on, in later chunks).
   */
  private parseBounded(final: boolean): CsvRecord[] {
    const text = this.buf;
    if (this.parser === undefined) this.createParser(text);
    const long = findLongRecord(text, this.syntax(), this.max, final);
    if (long === undefined) return this.parse(final);
    const { start, end, scanner } = long;
    // the records before the long one: their text without its last line break, as a whole
    let out: CsvRecord[] = [];
    if (start > 0) {
      const line = this.line + countIn(text, this.lineEnd, start);
      this.buf = text.slice(0, start - this.newline.length);
      out = this.parse(true);
      this.line = line;
    }
    out.push(this.tooLong(this.line, preview(text, start)));
    if (end === -1) {
      const lineEnds = countBetween(text, this.lineEnd, start, scanner.consumed);
      this.long = { line: this.line, scanner, lineEnds, length: scanner.consumed - start, kept: undefined };
      this.buf = text.slice(scanner.consumed);
      return out;
    }
    this.line += 1 + countBetween(text, this.lineEnd, start, end);
    this.buf = text.slice(Math.min(text.length, end + this.newline.length));
    this.waitFor = 0;
    return out.concat(this.next(final));
  }

  /**
   * The pending record outgrew FOLLOW_FROM: from now on a scanner finds its end chunk by chunk,
   * its text is kept as a list of pieces (no re-parse, no growing string) and dropped once it is
   * longer than max_record.
   */
  private startFollowing(): void {
    const scanner = new RecordScanner(this.syntax());
    scanner.startRecord(this.buf, 0);
    if (scanner.scan(0) !== -1) return; // papaparse saw no record end but the scanner did: stay on the plain path
    const n = scanner.consumed;
    this.long = { line: this.line, scanner, lineEnds: countIn(this.buf, this.lineEnd, n), length: n, kept: [this.buf.slice(0, n)] };
    this.buf = this.buf.slice(n);
  }

  /** Follows a long record through the text pushed since; after its end, parsing goes on as usual. */
  private follow(final: boolean): CsvRecord[] {
    const long = this.long as LongRecord;
    const text = this.buf;
    long.scanner.setText(text);
    let end = long.scanner.scan(0);
    if (end === -1 && !final) {
      const n = long.scanner.consumed;
      long.lineEnds += countIn(text, this.lineEnd, n);
      long.length += n;
      long.kept?.push(text.slice(0, n));
      this.buf = text.slice(n);
      if (long.kept === undefined || long.length <= this.max) return [];
      const head = previewOf(long.kept, '');
      long.kept = undefined;
      return [this.tooLong(long.line, head)];
    }
    if (end === -1) end = text.length;
    this.long = undefined;
    this.waitFor = 0;
    if (long.kept !== undefined && long.length + end <= this.max) {
      // it fits: papaparse reads it whole
      this.buf = long.kept.join('') + text;
      return this.next(final);
    }
    const out = long.kept === undefined ? [] : [this.tooLong(long.line, previewOf(long.kept, text))];
    this.line = long.line + 1 + long.lineEnds + countIn(text, this.lineEnd, end);
    this.buf = text.slice(Math.min(text.length, end + this.newline.length));
    return out.concat(this.next(final));
  }

  private tooLong(line: number, head: string): CsvRecord {
    const error = `record is longer than max_record_bytes (${this.max} bytes); raise max_record_bytes to read it`;
    return { fields: [], line, error, raw: `${head}…` };
  }

  private syntax() {
    return { delimiter: this.options.delimiter, quote: this.options.quote, escape: this.options.escape, newline: this.newline };
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
        const records = this.toRecords(input, result.data, errorMap(result.errors, result.data.length), consumed, final);
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
   * exactly one line end per record, no field holds a line break and the per-field scan is skipped
   * (a final parse ends with a record without one: papaparse makes a blank record of a last line end).
   */
  private toRecords(input: string, rows: string[][], errors: Map<number, string>, consumed = -1, final = false): CsvRecord[] {
    const out: CsvRecord[] = new Array<CsvRecord>(rows.length);
    const end = this.lineEnd;
    const startLine = this.line;
    let line = startLine;
    let starts: number[] | undefined;
    const oneLineEach = consumed >= 0 && countIn(input, end, consumed) === rows.length - (final || input[consumed - 1] !== end ? 1 : 0);
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

function errorMap(errors: readonly { code: string; row: number }[], rows: number): Map<number, string> {
  const map = new Map<number, string>();
  for (const e of errors) {
    if (e.row < rows && !map.has(e.row)) map.set(e.row, describePapaError(e.code));
  }
  return map;
}
