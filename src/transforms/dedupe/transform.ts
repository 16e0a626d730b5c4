import { throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { BatchBuilder, requireColumns, sameSchema } from '../shared/batch.js';
import { rowKey } from '../shared/key.js';
import type { DedupeOptions } from './index.js';

export function createDedupe(options: DedupeOptions, ctx: TransformContext): BatchTransform {
  const key = options.key;
  return options.keep === 'last' ? keepLast(key, ctx) : keepFirst(key, ctx);
}

function report(ctx: TransformContext, removed: number): void {
  if (removed > 0) ctx.events({ type: 'info', stage: ctx.stage, message: `dedupe removed ${removed} duplicate row${removed === 1 ? '' : 's'}` });
}

function keepFirst(key: readonly string[], ctx: TransformContext): BatchTransform {
  return async function* first(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    const seen = new Set<string>();
    let checked: RecordSchema | undefined;
    let removed = 0;
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      if (!sameSchema(checked, batch.schema)) requireColumns((checked = batch.schema), key, ctx, 'key');
      const out = new BatchBuilder();
      for (let i = 0; i < batch.rows.length; i++) {
        const row = batch.rows[i]!;
        const k = rowKey(row, key);
        if (seen.has(k)) removed++;
        else {
          seen.add(k);
          out.push(row, batch.origin?.[i]);
        }
      }
      yield out.build(batch.schema);
    }
    report(ctx, removed);
  };
}

function keepLast(key: readonly string[], ctx: TransformContext): BatchTransform {
  return async function* last(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    const kept = new Map<string, { row: Row; position: SourcePosition | undefined }>();
    let schema: RecordSchema | undefined;
    let removed = 0;
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      if (!sameSchema(schema, batch.schema)) requireColumns((schema = batch.schema), key, ctx, 'key');
      for (let i = 0; i < batch.rows.length; i++) {
        const row = batch.rows[i]!;
        const k = rowKey(row, key);
        if (kept.delete(k)) removed++; // re-insert so the map keeps last-occurrence order
        kept.set(k, { row, position: batch.origin?.[i] });
      }
    }
    if (!schema) return;
    let out = new BatchBuilder();
    for (const { row, position } of kept.values()) {
      out.push(row, position);
      if (out.length >= ctx.batch_size) {
        throwIfAborted(ctx.signal);
        yield out.build(schema);
        out = new BatchBuilder();
      }
    }
    if (out.length > 0 || kept.size === 0) yield out.build(schema);
    report(ctx, removed);
  };
}
