import { throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, RecordSchema, Row } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { sameSchema } from './batch.js';

export interface RowMapper {
  readonly schema: RecordSchema;
  /** the new row; never mutates the input. */
  readonly row: (row: Row) => Row;
}

/**
 * A one-row-in, one-row-out transform: `plan` runs once per input schema (checks columns, builds
 * the output schema), `row` per row. Origins stay aligned because no row is added or removed.
 */
export function mapRows(ctx: TransformContext, plan: (schema: RecordSchema) => RowMapper): BatchTransform {
  return async function* mapped(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    let last: RecordSchema | undefined;
    let mapper: RowMapper | undefined;
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      if (!sameSchema(last, batch.schema) || !mapper) {
        mapper = plan(batch.schema);
        last = batch.schema;
      }
      const rows = batch.rows.map(mapper.row);
      yield batch.origin ? { schema: mapper.schema, rows, origin: batch.origin } : { schema: mapper.schema, rows };
    }
  };
}
