import type { RecordBatch, RecordSchema } from '../../core/records/types.js';
import type { SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { applyFileSink, planFileSink, type FileEncoder } from '../shared/file-sink-base.js';
import { stringifyRow } from '../shared/json-write.js';
import { readOptions } from '../shared/options.js';
import { ndjsonSinkOptions } from './options.js';

/** One JSON object per line; a batch is one string and one write. */
export const ndjsonEncoder: FileEncoder = {
  batch(batch: RecordBatch) {
    let out = '';
    for (const row of batch.rows) out += `${stringifyRow(row)}\n`;
    return out;
  },
};

async function plan(raw: Record<string, unknown>, schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan> {
  const o = readOptions(ndjsonSinkOptions, raw, 'ndjson sink');
  const mode = o.mode === 'append' ? 'append' : 'overwrite';
  return planFileSink({ path: String(o.path), mode, compression: o.compression ?? 'auto', format: 'ndjson', schema, options: o }, ctx);
}

async function apply(p: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  return applyFileSink(p, input, ctx, ndjsonEncoder);
}

export const ndjsonSink: SinkRuntime = { plan, apply };
