import type { RecordSchema, Row } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { requireColumns } from '../shared/batch.js';
import { mapRows } from '../shared/map-rows.js';
import type { DropOptions } from './index.js';

export function createDrop(options: DropOptions, ctx: TransformContext): BatchTransform {
  const dropped = new Set(options.columns);
  return mapRows(ctx, (schema: RecordSchema) => {
    requireColumns(schema, options.columns, ctx, 'columns');
    const kept = schema.columns.filter((c) => !dropped.has(c.name));
    const names = kept.map((c) => c.name);
    const row = (input: Row): Row => {
      const r: Row = {};
      for (const n of names) r[n] = Object.hasOwn(input, n) ? (input[n] ?? null) : null;
      return r;
    };
    return { schema: { columns: kept }, row };
  });
}
