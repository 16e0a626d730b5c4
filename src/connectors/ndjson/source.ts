import { RunError, throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, SourcePosition } from '../../core/records/types.js';
import type { SourceContext, SourceDescription, SourceRuntime } from '../define.js';
import { checkInputFile, openInput, readError } from '../shared/input.js';
import { JsonBatchBuilder } from '../shared/json-rows.js';
import { readOptions } from '../shared/options.js';
import { displayPath, resolveTargetPath, STDIO_PATH } from '../shared/resolve-path.js';
import { countLineEnds, decodeText, InvalidTextError } from '../shared/text-decode.js';
import { ndjsonSourceOptions } from './options.js';
import { parseJsonLine } from './parse-line.js';

const MAX_LINE = 256 * 1024 * 1024;

/** Reads line by line: split decoded chunks on `\n`, JSON.parse each line, batch the objects. */
class NdjsonLines {
  line = 0;
  private row = 0;
  private emitted = 0;

  constructor(
    private readonly ctx: SourceContext,
    private readonly builder: JsonBatchBuilder,
    private readonly file: string,
  ) {}

  get done(): boolean {
    return this.ctx.limit !== undefined && this.emitted >= this.ctx.limit;
  }

  /** Handles one physical line; returns a batch when one is full. */
  take(text: string): RecordBatch | undefined {
    this.line++;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.length === 0 || line.trim().length === 0) return undefined;
    const position: SourcePosition = { file: this.file, line: this.line, row: ++this.row };
    let value: unknown;
    try {
      value = parseJsonLine(line);
    } catch (err) {
      this.ctx.reject({ record: line, reason: `invalid JSON: ${(err as Error).message}`, position });
      return undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
      this.ctx.reject({ record: line, reason: `not a JSON object (found ${what})`, position });
      return undefined;
    }
    this.builder.add(value as Record<string, unknown>, position);
    return this.builder.size >= this.ctx.batch_size ? this.flush() : undefined;
  }

  flush(): RecordBatch | undefined {
    const batch = this.builder.flush();
    if (batch === undefined) return undefined;
    const room = this.ctx.limit === undefined ? Infinity : this.ctx.limit - this.emitted;
    this.emitted += Math.min(room, batch.rows.length);
    if (batch.rows.length <= room) return batch;
    return { schema: batch.schema, rows: batch.rows.slice(0, room), origin: batch.origin?.slice(0, room) ?? [] };
  }
}

async function* read(raw: Record<string, unknown>, ctx: SourceContext): AsyncGenerator<RecordBatch> {
  const o = readOptions(ndjsonSourceOptions, raw, 'ndjson source');
  const path = resolveTargetPath(String(o.path), ctx);
  const display = path === STDIO_PATH ? 'stdin' : displayPath(path, ctx);
  const input = await openInput(path, { compression: o.compression ?? 'auto', signal: ctx.signal, display });
  const lines = new NdjsonLines(ctx, new JsonBatchBuilder(ctx, o.columns ?? {}), display);
  let tail = '';
  // pieces of a line longer than one chunk: joined once at its newline, not rescanned per chunk
  let pieces: string[] = [];
  let piecesLength = 0;
  try {
    for await (const text of decodeText(input, 'utf8')) {
      throwIfAborted(ctx.signal);
      const first = text.indexOf('\n');
      if (first === -1) {
        if (tail.length > 0) pieces.push(tail);
        pieces.push(text);
        tail = '';
        piecesLength += text.length;
        if (piecesLength > MAX_LINE) throw tooLong(lines.line + 1, display);
        continue;
      }
      const head = pieces.length === 0 ? tail : pieces.join('');
      pieces = [];
      piecesLength = 0;
      const buf = head.length === 0 ? text : head + text;
      let pos = 0;
      for (let nl = head.length + first; nl !== -1; nl = buf.indexOf('\n', pos)) {
        const batch = lines.take(buf.slice(pos, nl));
        pos = nl + 1;
        if (batch) yield batch;
        if (lines.done) return;
      }
      tail = buf.slice(pos);
      if (tail.length > MAX_LINE) {
        throw new RunError('E_NDJSON_LINE_TOO_LONG', `line ${lines.line + 1} of ${display} is longer than ${MAX_LINE} characters`, {
          hint: 'a file holding one big JSON document (an array) is read with type: json',
        });
      }
    }
    if (pieces.length > 0) tail += pieces.join('');
    if (tail.length > 0) {
      const batch = lines.take(tail);
      if (batch) yield batch;
    }
    if (!lines.done) {
      const last = lines.flush();
      if (last) yield last;
    }
  } catch (err) {
    if (err instanceof InvalidTextError) {
      const line = lines.line + 1 + countLineEnds(tail, 0, tail.length) + countLineEnds(err.textBefore, 0, err.textBefore.length);
      throw new RunError('E_INPUT_ENCODING', `${display}:${line}: invalid UTF-8 byte sequence`, {
        hint: 'NDJSON is UTF-8: convert the file (iconv -f latin1 -t utf-8)',
        where: { stage: ctx.stage, position: `${display}:${line}` },
        cause: err,
      });
    }
    throw readError(err, display);
  } finally {
    input.destroy();
  }
}

async function describe(raw: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription> {
  const o = readOptions(ndjsonSourceOptions, raw, 'ndjson source');
  const path = resolveTargetPath(String(o.path), ctx);
  return { summary: `${path === STDIO_PATH ? 'stdin' : displayPath(path, ctx)} (ndjson, one object per line)` };
}

function tooLong(line: number, display: string): RunError {
  return new RunError('E_NDJSON_LINE_TOO_LONG', `line ${line} of ${display} is longer than ${MAX_LINE} characters`, {
    hint: 'a file holding one big JSON document (an array) is read with type: json',
  });
}

export const ndjsonSource: SourceRuntime = { read, describe, check: checkInputFile };
