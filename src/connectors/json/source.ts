import { pipeline, type Readable, type Transform } from 'node:stream';
import Parser from 'stream-json/Parser.js';
import Pick from 'stream-json/filters/Pick.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import { RunError, throwIfAborted } from '../../core/errors.js';
import type { RecordBatch } from '../../core/records/types.js';
import type { SourceContext, SourceDescription, SourceRuntime } from '../define.js';
import { checkInputFile, openInput, readError } from '../shared/input.js';
import { JsonBatchBuilder, preciseNumberValue } from '../shared/json-rows.js';
import { readOptions } from '../shared/options.js';
import { displayPath, resolveTargetPath, STDIO_PATH } from '../shared/resolve-path.js';
import { jsonSourceOptions } from './options.js';

interface AssemblerLike {
  depth: number;
  current: unknown;
  _saveValue(value: unknown): void;
  numberValue(value: string): void;
}

/**
 * Top-level fields of each record keep long numbers exact (like ndjson); nested numbers are
 * float64. stream-json's assembler has no hook for this, so its numberValue is replaced.
 */
function keepPreciseNumbers(stream: InstanceType<typeof StreamArray>): void {
  const asm = (stream as unknown as { _assembler: AssemblerLike })._assembler;
  asm.numberValue = function numberValue(this: AssemblerLike, value: string) {
    const long = value.length > 15 && value.replace(/[eE].*$/, '').replace(/\D/g, '').replace(/^0+/, '').length > 15;
    this._saveValue(long && this.depth === 2 && !Array.isArray(this.current) ? preciseNumberValue(value) : parseFloat(value));
  };
}

interface Item {
  key: number;
  value: unknown;
}

async function* read(raw: Record<string, unknown>, ctx: SourceContext): AsyncGenerator<RecordBatch> {
  const o = readOptions(jsonSourceOptions, raw, 'json source');
  const path = resolveTargetPath(String(o.path), ctx);
  const display = path === STDIO_PATH ? 'stdin' : displayPath(path, ctx);
  const recordsPath = o.records_path ?? '';
  const input = await openInput(path, { compression: o.compression ?? 'auto', signal: ctx.signal, display });
  let bytes = 0;
  input.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  const items = new StreamArray();
  keepPreciseNumbers(items);
  let found = recordsPath === '';
  const stages: (Readable | Transform)[] = [input, new Parser({ streamValues: false })];
  if (recordsPath !== '') {
    const pick = new Pick({ filter: recordsPath });
    pick.once('data', () => (found = true));
    stages.push(pick);
  }
  const out = (pipeline as unknown as (...s: unknown[]) => Readable)(...stages, items, () => {});
  const builder = new JsonBatchBuilder(ctx, o.columns ?? {});
  let emitted = 0;
  try {
    for await (const { key, value } of out as AsyncIterable<Item>) {
      const position = { file: display, row: key + 1 };
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        ctx.reject({ record: JSON.stringify(value) ?? String(value), reason: `item ${key + 1} is not a JSON object`, position });
      } else {
        builder.add(value as Record<string, unknown>, position);
      }
      if (builder.size < ctx.batch_size) continue;
      throwIfAborted(ctx.signal);
      const batch = builder.flush();
      if (batch) {
        emitted += batch.rows.length;
        yield batch;
      }
      if (ctx.limit !== undefined && emitted >= ctx.limit) return;
    }
    const last = builder.flush();
    if (last) yield last;
    if (!found) {
      throw new RunError('E_JSON_RECORDS_PATH', `${display} has no value at records_path "${recordsPath}"`, {
        hint: 'records_path is the dotted path of the array of records, e.g. data.items; leave it empty for a top-level array',
      });
    }
  } catch (err) {
    throw jsonError(err, display, recordsPath, bytes);
  } finally {
    out.destroy();
    input.destroy();
  }
}

function jsonError(err: unknown, display: string, recordsPath: string, bytes: number): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Top-level object should be an array')) {
    const where = recordsPath === '' ? 'the top-level value' : `the value at records_path "${recordsPath}"`;
    return new RunError('E_JSON_NOT_ARRAY', `${display}: ${where} is not an array`, {
      hint: 'set records_path: to the dotted path of the array of records (e.g. data.items); for one object per line use type: ndjson',
      cause: err,
    });
  }
  if (message.startsWith('Parser')) {
    return new RunError('E_JSON_PARSE', `${display}: invalid JSON within the first ${bytes} bytes: ${message.replace(/^Parser (cannot parse input: )?/, '')}`, {
      hint: 'check that the file is complete and valid JSON (e.g. `python3 -m json.tool file`)',
      where: { position: `${display}:byte ${bytes}` },
      cause: err,
    });
  }
  return readError(err, display);
}

async function describe(raw: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription> {
  const o = readOptions(jsonSourceOptions, raw, 'json source');
  const path = resolveTargetPath(String(o.path), ctx);
  const at = o.records_path ? `array at ${o.records_path}` : 'top-level array';
  return { summary: `${path === STDIO_PATH ? 'stdin' : displayPath(path, ctx)} (json, ${at}, streamed)` };
}

export const jsonSource: SourceRuntime = { read, describe, check: checkInputFile };
