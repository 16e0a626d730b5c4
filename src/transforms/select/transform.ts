import type { RecordSchema, Row } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { requireColumns } from '../shared/batch.js';
import { mapRows } from '../shared/map-rows.js';
import type { SelectOptions } from './index.js';

export function createSelect(options: SelectOptions, ctx: TransformContext): BatchTransform {
  const names = options.columns;
  return mapRows(ctx, (schema: RecordSchema) => {
    requireColumns(schema, names, ctx, 'columns');
    const byName = new Map(schema.columns.map((c) => [c.name, c]));
    const out: RecordSchema = { columns: names.map((n) => byName.get(n)!) };
    const project = (row: Row): Row => {
      const r: Row = {};
      for (const n of names) r[n] = Object.hasOwn(row, n) ? (row[n] ?? null) : null;
      return r;
    };
    return { schema: out, row: project };
  });
}
