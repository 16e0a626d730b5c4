import { throwIfAborted } from '../../core/errors.js';
import type { Column, RecordBatch, RecordSchema, Row, Value } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { BatchBuilder, requireColumns } from '../shared/batch.js';
import { inferType } from '../shared/infer.js';
import type { FlattenOptions } from './index.js';

type Obj = Record<string, Value>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Leaves of an object as [path, value]; own keys only. */
function leaves(value: Obj, prefix: string, sep: string, depth: number, out: Map<string, Value>): void {
  for (const key of Object.keys(value)) {
    const v = value[key]!;
    const name = `${prefix}${sep}${key}`;
    if (isObject(v) && depth > 1 && Object.keys(v).length > 0) leaves(v, name, sep, depth - 1, out);
    else out.set(name, v);
  }
}

interface Plan {
  readonly schema: RecordSchema;
  /** source column → its leaf column names, in first-seen order */
  readonly leaves: Map<string, string[]>;
}

function plan(batch: RecordBatch, options: FlattenOptions, ctx: TransformContext): Plan {
  const sep = options.separator ?? '.';
  const depth = options.max_depth ?? 32;
  if (options.columns) requireColumns(batch.schema, options.columns, ctx, 'columns');
  const targets = options.columns ?? batch.schema.columns.filter((c) => c.type === 'json' && batch.rows.some((r) => isObject(r[c.name]))).map((c) => c.name);
  const byColumn = new Map<string, string[]>();
  const columns: Column[] = [];
  for (const c of batch.schema.columns) {
    if (!targets.includes(c.name)) {
      columns.push(c);
      continue;
    }
    const samples = new Map<string, Value[]>();
    for (const r of batch.rows) {
      const v = r[c.name];
      if (!isObject(v)) continue;
      const found = new Map<string, Value>();
      leaves(v, c.name, sep, depth, found);
      for (const [name, value] of found) (samples.get(name) ?? samples.set(name, []).get(name)!).push(value);
    }
    byColumn.set(c.name, [...samples.keys()]);
    for (const [name, values] of samples) columns.push({ name, type: inferType(values, 'json') });
  }
  return { schema: { columns }, leaves: byColumn };
}

export function createFlatten(options: FlattenOptions, ctx: TransformContext): BatchTransform {
  const sep = options.separator ?? '.';
  const depth = options.max_depth ?? 32;
  return async function* flattenBatches(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    let p: Plan | undefined;
    const warned = new Set<string>();
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      p ??= plan(batch, options, ctx);
      const out = new BatchBuilder();
      for (let i = 0; i < batch.rows.length; i++) {
        const row = flattenRow(batch.rows[i]!, p, sep, depth, warned, ctx);
        const position = batch.origin?.[i];
        if (typeof row === 'string') ctx.reject({ record: batch.rows[i]!, reason: row, ...(position ? { position } : {}) });
        else out.push(row, position);
      }
      yield out.build(p.schema);
    }
  };
}

/** The flattened row, or the reject reason. */
function flattenRow(input: Row, p: Plan, sep: string, depth: number, warned: Set<string>, ctx: TransformContext): Row | string {
  const out: Row = {};
  for (const c of p.schema.columns) out[c.name] = Object.hasOwn(input, c.name) ? (input[c.name] ?? null) : null;
  for (const [column, names] of p.leaves) {
    const v = Object.hasOwn(input, column) ? (input[column] ?? null) : null;
    if (v === null) continue;
    if (!isObject(v)) return `flatten: column ${column} is not an object`;
    const found = new Map<string, Value>();
    leaves(v, column, sep, depth, found);
    const known = new Set(names);
    for (const [name, value] of found) {
      if (known.has(name)) out[name] = value;
      else if (!warned.has(name)) {
        warned.add(name);
        ctx.events({ type: 'warning', stage: ctx.stage, message: `flatten: key ${name} first appeared after the first batch; it is not added (declare it by casting upstream or flatten a sample-complete first batch)` });
      }
    }
  }
  return out;
}
