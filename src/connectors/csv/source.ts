import { RunError, throwIfAborted } from '../../core/errors.js';
import type { RecordBatch } from '../../core/records/types.js';
import type { SourceContext, SourceDescription, SourceRuntime } from '../define.js';
import { checkInputFile, openInput, readError } from '../shared/input.js';
import { readOptions } from '../shared/options.js';
import { displayPath, resolveTargetPath, STDIO_PATH } from '../shared/resolve-path.js';
import { decodeText, InvalidTextError } from '../shared/text-decode.js';
import { CsvBatcher } from './batcher.js';
import { csvSourceOptions, DEFAULT_MAX_RECORD_BYTES, unescapeDelimiter, type CsvSourceOptions } from './options.js';
import { CsvSplitter } from './splitter.js';

/**
 * Streams a CSV file as typed batches. Memory is bounded by one input chunk, the inference
 * sample (1000 rows), one batch and max_record_bytes (a longer record is skipped and rejected).
 * Invalid bytes for the encoding stop the run with the line.
 */
async function* read(raw: Record<string, unknown>, ctx: SourceContext): AsyncGenerator<RecordBatch> {
  const o = readOptions(csvSourceOptions, raw, 'csv source');
  const path = resolveTargetPath(String(o.path), ctx);
  const display = path === STDIO_PATH ? 'stdin' : displayPath(path, ctx);
  const input = await openInput(path, { compression: o.compression ?? 'auto', signal: ctx.signal, display });
  const splitter = new CsvSplitter({
    delimiter: unescapeDelimiter(o.delimiter ?? ','),
    quote: o.quote ?? '"',
    escape: o.escape ?? o.quote ?? '"',
    first_line: (o.skip_lines ?? 0) + 1,
    max_record: o.max_record_bytes ?? DEFAULT_MAX_RECORD_BYTES,
  });
  const batcher = new CsvBatcher(batcherOptions(o, display), ctx);
  let toSkip = o.skip_lines ?? 0;
  let first = true;
  try {
    for await (let text of decodeText(input, o.encoding ?? 'utf8')) {
      throwIfAborted(ctx.signal);
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      if (toSkip > 0) [text, toSkip] = skipLines(text, toSkip);
      if (text.length > 0) yield* batcher.add(splitter.push(text));
      if (batcher.done) return;
    }
    yield* batcher.add(splitter.end());
    yield* batcher.finish();
  } catch (err) {
    if (err instanceof InvalidTextError) {
      const line = splitter.lineOf(err.textBefore);
      throw new RunError('E_INPUT_ENCODING', `${display}:${line}: invalid ${o.encoding ?? 'utf8'} byte sequence`, {
        hint: err.hint ?? 'set encoding: to the file encoding',
        where: { stage: ctx.stage, position: `${display}:${line}` },
        cause: err,
      });
    }
    throw readError(err, display);
  } finally {
    input.destroy();
  }
}

function batcherOptions(o: CsvSourceOptions, display: string) {
  return {
    header: o.header ?? true,
    infer: o.infer ?? true,
    columns: o.columns ?? {},
    null_values: o.null_values ?? [''],
    delimiter: unescapeDelimiter(o.delimiter ?? ','),
    display,
  };
}

/** Drops the first `n` physical lines; returns the rest and how many are still to skip. */
function skipLines(text: string, n: number): [string, number] {
  let pos = 0;
  while (n > 0) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) return ['', n];
    pos = nl + 1;
    n--;
  }
  return [text.slice(pos), 0];
}

async function describe(raw: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription> {
  const o = readOptions(csvSourceOptions, raw, 'csv source');
  const path = resolveTargetPath(String(o.path), ctx);
  const shown = path === STDIO_PATH ? 'stdin' : displayPath(path, ctx);
  const parts = [
    'csv',
    o.header === false ? 'no header' : 'header',
    `delimiter ${JSON.stringify(unescapeDelimiter(o.delimiter ?? ','))}`,
    o.encoding && o.encoding !== 'utf8' ? `encoding ${o.encoding}` : undefined,
    o.infer === false ? 'all columns strings' : 'types inferred from the first 1000 rows',
  ].filter((p) => p !== undefined);
  return { summary: `${shown} (${parts.join(', ')})` };
}

export const csvSource: SourceRuntime = { read, describe, check: checkInputFile };
