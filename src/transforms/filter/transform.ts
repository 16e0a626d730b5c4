import { throwIfAborted } from '../../core/errors.js';
import { ExpressionRuntimeError } from '../../core/expr/index.js';
import type { RecordBatch } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { BatchBuilder, compileStepExpression, perSchema } from '../shared/batch.js';
import type { FilterOptions } from './index.js';

export function createFilter(options: FilterOptions, ctx: TransformContext): BatchTransform {
  const compiled = perSchema((schema) => compileStepExpression(options.where, schema, ctx, 'where'));
  const rejectMisses = options.reject === true;
  return async function* filter(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      const expr = compiled(batch.schema);
      const out = new BatchBuilder();
      for (let i = 0; i < batch.rows.length; i++) {
        const row = batch.rows[i]!;
        const position = batch.origin?.[i];
        let pass: boolean;
        try {
          pass = expr.test(row);
        } catch (err) {
          if (!(err instanceof ExpressionRuntimeError)) throw err;
          ctx.reject({ record: row, reason: `filter: ${err.message}`, ...(position ? { position } : {}) });
          continue;
        }
        if (pass) out.push(row, position);
        else if (rejectMisses) ctx.reject({ record: row, reason: `filter: condition is false (${options.where})`, ...(position ? { position } : {}) });
      }
      yield out.build(batch.schema);
    }
  };
}
