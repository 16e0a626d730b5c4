import { open } from 'node:fs/promises';
import { RunError } from '../../core/errors.js';
import type { RecordBatch, RecordSchema } from '../../core/records/types.js';
import type { SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { applyFileSink, planFileSink, type FileEncoder, type FileSinkInternal } from '../shared/file-sink-base.js';
import { stringifyRow } from '../shared/json-write.js';
import { readOptions } from '../shared/options.js';
import { jsonSinkOptions } from './options.js';

const TAIL_WINDOW = 4096;

/** What the existing file ends with, for append: where its closing `]` starts and if it is empty. */
interface ArrayTail {
  keep: number;
  empty: boolean;
}

/** Finds the closing `]` of an existing JSON array file (only whitespace may follow it). */
async function findArrayTail(path: string, size: number): Promise<ArrayTail> {
  const fh = await open(path, 'r');
  try {
    const len = Math.min(size, TAIL_WINDOW);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const text = buf.toString('latin1');
    const close = text.trimEnd();
    if (!close.endsWith(']')) {
      throw new RunError('E_JSON_APPEND', `cannot append to ${path}: it does not end with a JSON array`, {
        hint: 'use mode: overwrite, or point path: at a file written by the json sink',
      });
    }
    const before = close.slice(0, -1).trimEnd();
    return { keep: size - len + before.length, empty: before.endsWith('[') };
  } finally {
    await fh.close();
  }
}

/** `[\n{…},\n{…}\n]\n`, or `[]\n` for no rows; appending reopens the existing array. */
function createJsonEncoder(): { encoder: FileEncoder; tail: { value?: ArrayTail } } {
  const tail: { value?: ArrayTail } = {};
  let rows = 0;
  const encoder: FileEncoder = {
    batch(batch: RecordBatch) {
      let out = '';
      for (const row of batch.rows) {
        if (rows === 0) out += tail.value ? (tail.value.empty ? '\n' : ',\n') : '[\n';
        else out += ',\n';
        out += stringifyRow(row);
        rows++;
      }
      return out;
    },
    end() {
      if (rows > 0 || (tail.value && !tail.value.empty)) return '\n]\n';
      return tail.value ? ']\n' : '[]\n';
    },
  };
  return { encoder, tail };
}

async function plan(raw: Record<string, unknown>, schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan> {
  const o = readOptions(jsonSinkOptions, raw, 'json sink');
  const mode = o.mode === 'append' ? 'append' : 'overwrite';
  const p = planFileSink({ path: String(o.path), mode, compression: o.compression ?? 'auto', format: 'json array', schema, options: o }, ctx);
  const internal = p.internal as FileSinkInternal;
  if (mode === 'append' && internal.compression === 'gzip') {
    throw new RunError('E_JSON_APPEND_GZIP', `cannot append to a gzip JSON array (${p.target})`, {
      hint: 'use mode: overwrite, or the ndjson connector, whose gzip files can be appended to',
    });
  }
  return p;
}

async function apply(p: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  const { encoder, tail } = createJsonEncoder();
  const keep_bytes = async (path: string, size: number) => {
    tail.value = await findArrayTail(path, size);
    return tail.value.keep;
  };
  return applyFileSink(p, input, ctx, encoder, { keep_bytes });
}

export const jsonSink: SinkRuntime = { plan, apply };
