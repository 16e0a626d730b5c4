import { RunError, throwIfAborted } from '../../core/errors.js';
import type { ColumnType, RecordBatch, RecordSchema, Row } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { BatchBuilder, formatPosition, requireColumns, sameSchema } from '../shared/batch.js';
import { castValue } from '../shared/convert.js';
import type { CastOptions } from './index.js';

export function createCast(options: CastOptions, ctx: TransformContext): BatchTransform {
  const targets = Object.entries(options.columns) as [string, ColumnType][];
  const onError = options.on_error ?? 'reject';
  return async function* castBatches(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    let last: RecordSchema | undefined;
    let schema: RecordSchema | undefined;
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      if (!sameSchema(last, batch.schema) || !schema) {
        requireColumns(batch.schema, targets.map(([c]) => c), ctx, 'columns');
        const byName = new Map(targets);
        schema = { columns: batch.schema.columns.map((c) => (byName.has(c.name) ? { name: c.name, type: byName.get(c.name)!, ...(c.nullable !== undefined ? { nullable: c.nullable } : {}) } : c)) };
        last = batch.schema;
      }
      const out = new BatchBuilder();
      for (let i = 0; i < batch.rows.length; i++) {
        const position = batch.origin?.[i];
        const input = batch.rows[i]!;
        const row: Row = { ...input };
        let failed = false;
        for (const [column, type] of targets) {
          const r = castValue(Object.hasOwn(input, column) ? (input[column] ?? null) : null, type);
          if (r.ok) {
            row[column] = r.value;
            continue;
          }
          const reason = `cast ${column}: ${r.reason}`;
          if (onError === 'null') row[column] = null;
          else if (onError === 'fail') {
            const at = formatPosition(position);
            throw new RunError('E_CAST', `${ctx.stage}: ${reason}${at ? ` (${at})` : ''}`, {
              hint: 'fix the data, or set on_error: reject to send such rows to the dead letter',
              where: { stage: ctx.stage, column, ...(at ? { position: at } : {}) },
            });
          } else {
            ctx.reject({ record: input, reason, column, ...(position ? { position } : {}) });
            failed = true;
            break;
          }
        }
        if (!failed) out.push(row, position);
      }
      yield out.build(schema);
    }
  };
}
