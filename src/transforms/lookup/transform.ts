import { DataQualityError, RunError, throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, RecordSchema, Row, SourcePosition, Value } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { BatchBuilder, formatPosition, perSchema, requireColumns } from '../shared/batch.js';
import { keyPairs, type LookupOptions } from './index.js';
import { keyText, loadLookup, lookupName, showKey, type LookupTable } from './table.js';

interface Join {
  readonly schema: RecordSchema;
  /** the input columns, then the added ones. */
  readonly kept: readonly string[];
  readonly names: readonly string[];
}

/** Input schema + the added columns; an added name the row already has is an error, never an overwrite. */
function planJoin(schema: RecordSchema, table: LookupTable, keys: readonly string[], ctx: TransformContext): Join {
  requireColumns(schema, keys, ctx, 'on');
  const existing = new Set(schema.columns.map((c) => c.name));
  const clash = table.columns.find((c) => existing.has(c.name));
  if (clash) {
    throw new RunError('E_LOOKUP_COLUMN_EXISTS', `${ctx.stage}: the rows already have a column \`${clash.name}\`; lookup would overwrite it`, {
      hint: `rename the added column with the map form: fields: { ${clash.name}_lookup: ${clash.name} }`,
      where: { stage: ctx.stage, column: clash.name },
    });
  }
  return { schema: { columns: [...schema.columns, ...table.columns] }, kept: [...existing], names: table.columns.map((c) => c.name) };
}

/** A new row built key by key in schema order: every row shares one shape (10x faster than spread + add). */
function extend(row: Row, join: Join, values: readonly Value[]): Row {
  const out: Row = {};
  for (const c of join.kept) out[c] = row[c] ?? null;
  for (let i = 0; i < join.names.length; i++) out[join.names[i]!] = values[i]!;
  return out;
}

/** Joins each row to the lookup table (loaded on the first batch) by the `on` key. */
export function createLookup(options: LookupOptions, ctx: TransformContext): BatchTransform {
  const keys = keyPairs(options.on).map(([row]) => row);
  const name = lookupName(options);
  const missing = (row: Row, position: SourcePosition | undefined): void => {
    const reason = `no ${name} row for ${showKey(row, keys)}`;
    if (options.on_missing === 'reject') ctx.reject({ record: row, reason, rule: 'lookup', column: keys[0]!, ...(position ? { position } : {}) });
    else if (options.on_missing === 'fail') {
      const at = formatPosition(position);
      throw new DataQualityError(`${ctx.stage}: ${reason}${at ? ` (${at})` : ''}`, {
        hint: 'add the row to the lookup source, or set on_missing: keep | reject | drop',
        where: { stage: ctx.stage, ...(at ? { position: at } : {}) },
      });
    }
  };
  return async function* joined(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    let table: LookupTable | undefined;
    let join: ((schema: RecordSchema) => Join) | undefined;
    let dropped = 0;
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      if (!table) {
        const loaded = (table = await loadLookup(options, ctx));
        join = perSchema((schema) => planJoin(schema, loaded, keys, ctx));
      }
      const plan = join!(batch.schema);
      const nulls: Value[] = plan.names.map(() => null);
      const out = new BatchBuilder();
      for (let i = 0; i < batch.rows.length; i++) {
        const row = batch.rows[i]!;
        const key = keyText(row, keys);
        const values = key === undefined ? undefined : table.entries.get(key);
        if (values) out.push(extend(row, plan, values), batch.origin?.[i]);
        else if (options.on_missing === 'keep') out.push(extend(row, plan, nulls), batch.origin?.[i]);
        else {
          missing(row, batch.origin?.[i]);
          if (options.on_missing === 'drop') dropped++;
        }
      }
      yield out.build(plan.schema);
    }
    if (dropped > 0) ctx.events({ type: 'info', stage: ctx.stage, message: `lookup dropped ${dropped} row${dropped === 1 ? '' : 's'} with no ${name} row` });
  };
}
