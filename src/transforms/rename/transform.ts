import { RunError } from '../../core/errors.js';
import type { RecordSchema, Row } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { requireColumns } from '../shared/batch.js';
import { mapRows } from '../shared/map-rows.js';
import type { RenameOptions } from './index.js';

export function createRename(options: RenameOptions, ctx: TransformContext): BatchTransform {
  const map = new Map(Object.entries(options.columns));
  return mapRows(ctx, (schema: RecordSchema) => {
    requireColumns(schema, [...map.keys()], ctx, 'columns');
    const columns = schema.columns.map((c) => (map.has(c.name) ? { ...c, name: map.get(c.name)! } : c));
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name)) {
        throw new RunError('E_DUPLICATE_COLUMN', `${ctx.stage}: renaming would create two columns named \`${c.name}\``, {
          hint: 'rename or drop the other column first',
          where: { stage: ctx.stage, column: c.name },
        });
      }
      seen.add(c.name);
    }
    const pairs = schema.columns.map((c, i) => [c.name, columns[i]!.name] as const);
    const row = (input: Row): Row => {
      const r: Row = {};
      for (const [from, to] of pairs) r[to] = Object.hasOwn(input, from) ? (input[from] ?? null) : null;
      return r;
    };
    return { schema: { columns }, row };
  });
}
