import { throwIfAborted } from '../../core/errors.js';
import { compileExpression, ExpressionRuntimeError, type CompiledExpression } from '../../core/expr/index.js';
import type { Column, ColumnType, RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { BatchBuilder, sameSchema, stepError, withColumns } from '../shared/batch.js';
import { inferType } from '../shared/infer.js';
import type { DeriveOptions } from './index.js';

interface Field {
  readonly name: string;
  readonly expr: CompiledExpression;
}

/** Compiles each field against the columns visible at that point (input + earlier fields). */
function compileFields(options: DeriveOptions, schema: RecordSchema, ctx: TransformContext): Field[] {
  const names = new Set(schema.columns.map((c) => c.name));
  const types: Record<string, ColumnType> = {};
  for (const c of schema.columns) types[c.name] = c.type;
  const fields: Field[] = [];
  for (const [name, source] of Object.entries(options.fields)) {
    let expr: CompiledExpression;
    try {
      expr = compileExpression(source, { columns: [...names], types, now: ctx.pipeline.started_at });
    } catch (err) {
      throw stepError(err, ctx, `fields.${name}`);
    }
    fields.push({ name, expr });
    names.add(name);
    // a field of unknown static type is typed from its values later; later fields see it as 'any'
    if (expr.type !== 'any' && expr.type !== 'null') types[name] = expr.type;
    else delete types[name];
  }
  return fields;
}

export function createDerive(options: DeriveOptions, ctx: TransformContext): BatchTransform {
  return async function* derive(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    let inSchema: RecordSchema | undefined;
    let fields: Field[] = [];
    let outSchema: RecordSchema | undefined;
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      if (!sameSchema(inSchema, batch.schema)) {
        inSchema = batch.schema;
        fields = compileFields(options, batch.schema, ctx);
        outSchema = undefined;
      }
      const out = new BatchBuilder();
      for (let i = 0; i < batch.rows.length; i++) {
        const position = batch.origin?.[i];
        const row = evaluateRow(batch.rows[i]!, fields, ctx, position);
        if (row) out.push(row, position);
      }
      outSchema ??= outputSchema(batch.schema, fields, out.rows);
      yield out.build(outSchema);
    }
  };
}

function evaluateRow(input: Row, fields: readonly Field[], ctx: TransformContext, position: SourcePosition | undefined): Row | undefined {
  const row: Row = { ...input };
  for (const f of fields) {
    try {
      row[f.name] = f.expr.evaluate(row);
    } catch (err) {
      if (!(err instanceof ExpressionRuntimeError)) throw err;
      ctx.reject({ record: input, reason: `derive ${f.name}: ${err.message}`, column: f.name, ...(position ? { position } : {}) });
      return undefined;
    }
  }
  return row;
}

function outputSchema(schema: RecordSchema, fields: readonly Field[], rows: readonly Row[]): RecordSchema {
  const columns: Column[] = fields.map((f) => {
    const type: ColumnType = f.expr.type !== 'any' && f.expr.type !== 'null' ? f.expr.type : inferType(rows.map((r) => r[f.name] ?? null));
    return { name: f.name, type };
  });
  return withColumns(schema, columns);
}
