import { RunError } from '../../core/errors.js';
import type { RecordSchema, Row, Value } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { requireColumns } from '../shared/batch.js';
import { castValue } from '../shared/convert.js';
import { mapRows } from '../shared/map-rows.js';
import type { DefaultOptions } from './index.js';

export function createDefault(options: DefaultOptions, ctx: TransformContext): BatchTransform {
  const entries = Object.entries(options.values);
  return mapRows(ctx, (schema: RecordSchema) => {
    requireColumns(schema, entries.map(([c]) => c), ctx, 'values');
    const fills: [string, Value][] = entries.map(([column, value]) => {
      const type = schema.columns.find((c) => c.name === column)!.type;
      const r = castValue(value, type);
      if (!r.ok) {
        throw new RunError('E_DEFAULT_TYPE', `${ctx.stage}: default for \`${column}\` does not fit its type ${type}: ${r.reason}`, {
          where: { stage: ctx.stage, column },
        });
      }
      return [column, r.value];
    });
    const row = (input: Row): Row => {
      let out: Row | undefined;
      for (const [column, value] of fills) {
        if (!Object.hasOwn(input, column) || input[column] === null || input[column] === undefined) {
          out ??= { ...input };
          out[column] = value;
        }
      }
      return out ?? input;
    };
    return { schema, row };
  });
}
