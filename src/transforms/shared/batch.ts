import type { Column, RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import { RunError } from '../../core/errors.js';
import { compileForSchema, didYouMean, ExpressionSyntaxError, type CompiledExpression } from '../../core/expr/index.js';
import type { TransformContext } from '../define.js';

/** Collects output rows with their origins, so rejects downstream still name the source line. */
export class BatchBuilder {
  readonly rows: Row[] = [];
  readonly origin: (SourcePosition | undefined)[] = [];
  private hasOrigin = false;

  push(row: Row, position: SourcePosition | undefined): void {
    this.rows.push(row);
    this.origin.push(position);
    if (position !== undefined) this.hasOrigin = true;
  }

  get length(): number {
    return this.rows.length;
  }

  build(schema: RecordSchema): RecordBatch {
    return this.hasOrigin ? { schema, rows: this.rows, origin: this.origin } : { schema, rows: this.rows };
  }
}

export function positionOf(batch: RecordBatch, i: number): SourcePosition | undefined {
  return batch.origin?.[i];
}

/** "data.csv:12" / "row 5" / a locator, for messages and samples. */
export function formatPosition(p: SourcePosition | undefined): string | undefined {
  if (!p) return undefined;
  if (p.file !== undefined && p.line !== undefined) return `${p.file}:${p.line}`;
  if (p.file !== undefined && p.row !== undefined) return `${p.file} row ${p.row}`;
  if (p.row !== undefined) return `row ${p.row}`;
  return p.locator ?? p.file;
}

/**
 * Throws a clear error naming an unknown column with a suggestion (checked at the first batch).
 * `of` names another source the columns belong to (lookup's `from:`).
 */
export function requireColumns(schema: RecordSchema, names: readonly string[], ctx: TransformContext, option: string, of?: string): void {
  const known = schema.columns.map((c) => c.name);
  const set = new Set(known);
  for (const name of names) {
    if (set.has(name)) continue;
    const guess = didYouMean(name, known);
    throw new RunError('E_UNKNOWN_COLUMN', `${ctx.stage}: unknown column \`${name}\` in \`${option}\`${of === undefined ? '' : ` (a column of ${of})`}`, {
      hint: guess !== undefined ? `did you mean \`${guess}\`?` : `columns are: ${known.join(', ')}`,
      where: { stage: ctx.stage, column: name },
    });
  }
}

/** The schema with some columns replaced (same position) and others appended. */
export function withColumns(schema: RecordSchema, columns: readonly Column[]): RecordSchema {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const out: Column[] = schema.columns.map((c) => byName.get(c.name) ?? c);
  const existing = new Set(schema.columns.map((c) => c.name));
  for (const c of columns) if (!existing.has(c.name)) out.push(c);
  return { columns: out };
}

/** Same columns, names and types (sources may build a new schema object per batch). */
export function sameSchema(a: RecordSchema | undefined, b: RecordSchema): boolean {
  if (a === b) return true;
  if (!a || a.columns.length !== b.columns.length) return false;
  return a.columns.every((c, i) => c.name === b.columns[i]!.name && c.type === b.columns[i]!.type);
}

/** Caches a value computed from a batch schema; recomputed only when the schema changes. */
export function perSchema<T>(make: (schema: RecordSchema) => T): (schema: RecordSchema) => T {
  let last: RecordSchema | undefined;
  let value: T | undefined;
  return (schema) => {
    if (!sameSchema(last, schema)) {
      value = make(schema);
      last = schema;
    }
    return value as T;
  };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Compiles a step's expression against the batch schema. A syntax error or unknown name found
 * only now (the columns are known at the first batch) becomes a RunError naming the stage and
 * the option, keeping the expression's own position and hint.
 */
export function compileStepExpression(source: string, schema: RecordSchema, ctx: TransformContext, option: string): CompiledExpression {
  try {
    return compileForSchema(source, schema, ctx.pipeline.started_at);
  } catch (err) {
    throw stepError(err, ctx, option);
  }
}

/** An ExpressionSyntaxError becomes a RunError naming the stage and option; others pass through. */
export function stepError(err: unknown, ctx: TransformContext, option: string): unknown {
  if (!(err instanceof ExpressionSyntaxError)) return err;
  return new RunError('E_EXPRESSION', `${ctx.stage}: \`${option}\`: ${err.message}`, {
    ...(err.hint !== undefined ? { hint: err.hint } : {}),
    where: { stage: ctx.stage },
    cause: err,
  });
}
