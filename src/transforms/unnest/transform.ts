import { throwIfAborted } from '../../core/errors.js';
import type { Column, RecordBatch, RecordSchema, Row, Value } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { BatchBuilder, requireColumns } from '../shared/batch.js';
import { inferType } from '../shared/infer.js';
import type { UnnestOptions } from './index.js';

/** The elements, or undefined when the value is not an array (nor JSON text of one). */
function elements(v: Value): readonly Value[] | undefined {
  if (v === null) return [];
  if (Array.isArray(v)) return v as readonly Value[];
  if (typeof v === 'string' && v.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(v);
      return Array.isArray(parsed) ? (parsed as Value[]) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function outputSchema(batch: RecordBatch, options: UnnestOptions): RecordSchema {
  const samples = batch.rows.flatMap((r) => elements(r[options.column] ?? null) ?? []);
  const columns: Column[] = batch.schema.columns.map((c) => (c.name === options.column ? { name: c.name, type: inferType(samples, 'json') } : c));
  if (options.index !== undefined) columns.push({ name: options.index, type: 'integer' });
  return { columns };
}

export function createUnnest(options: UnnestOptions, ctx: TransformContext): BatchTransform {
  const column = options.column;
  return async function* unnestBatches(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    let schema: RecordSchema | undefined;
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      if (!schema) {
        requireColumns(batch.schema, [column], ctx, 'column');
        schema = outputSchema(batch, options);
      }
      const out = new BatchBuilder();
      for (let i = 0; i < batch.rows.length; i++) {
        const row = batch.rows[i]!;
        const position = batch.origin?.[i];
        const items = elements(Object.hasOwn(row, column) ? (row[column] ?? null) : null);
        if (!items) {
          ctx.reject({ record: row, reason: `unnest: column ${column} is not an array`, column, ...(position ? { position } : {}) });
          continue;
        }
        if (items.length === 0 && options.keep_empty) out.push(withElement(row, column, null, options.index, null), position);
        for (let k = 0; k < items.length; k++) out.push(withElement(row, column, items[k]!, options.index, k + 1), position);
      }
      yield out.build(schema);
    }
  };
}

function withElement(row: Row, column: string, value: Value, index: string | undefined, n: number | null): Row {
  const out: Row = { ...row, [column]: value };
  if (index !== undefined) out[index] = n;
  return out;
}
