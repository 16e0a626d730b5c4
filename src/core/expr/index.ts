import type { ColumnType, RecordSchema, Row, Value } from '../records/types.js';
import { Compiler } from './compile.js';
import { ExpressionRuntimeError } from './errors.js';
import { parseExpression } from './parser.js';
import type { StaticType } from './types.js';
import { toCondition } from './values.js';

export { parseExpression, MAX_DEPTH } from './parser.js';
export { ExpressionSyntaxError, ExpressionRuntimeError, didYouMean, lineCol } from './errors.js';
export { FUNCTIONS } from './functions/index.js';
export type { Node } from './ast.js';
export type { StaticType, FunctionDef } from './types.js';
export { parseDuration, parseInstant, formatTimestamp, formatDate } from './temporal.js';
export { parseDecimal, formatDecimal } from './decimal.js';
export { compareValues, toText } from './values.js';

export interface CompileOptions {
  /** the known column names: an unknown name is an ExpressionSyntaxError with a suggestion. */
  readonly columns?: readonly string[];
  /** the known column types (from the batch schema): enables exact decimal and instant comparisons and typed output. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** the run start (ISO); `now()` returns it. Default: the time of compilation. */
  readonly now?: string;
}

export interface CompiledExpression {
  /** evaluates against one row; throws ExpressionRuntimeError for a row-level failure. */
  evaluate(row: Row): Value;
  /** true only when the value is true (null and false are false, as SQL WHERE). */
  test(row: Row): boolean;
  readonly source: string;
  /** the columns the expression reads. */
  readonly columns: string[];
  /** the result type when the compiler can tell, 'any' otherwise. */
  readonly type: StaticType;
}

/** Parses and compiles once into closures (no eval, no Function). Throws ExpressionSyntaxError. */
export function compileExpression(source: string, options: CompileOptions = {}): CompiledExpression {
  const ast = parseExpression(source);
  const compiler = new Compiler(source, {
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.types ? { types: options.types } : {}),
    env: { now: options.now ?? new Date().toISOString() },
  });
  const compiled = compiler.compile(ast);
  const fn = compiled.fn;
  const evaluate = (row: Row): Value => {
    try {
      return fn(row);
    } catch (err) {
      if (err instanceof ExpressionRuntimeError) throw err;
      // A JS error inside a function (RangeError from BigInt, an invalid date): still a row error.
      throw new ExpressionRuntimeError(err instanceof Error ? err.message : String(err));
    }
  };
  return {
    evaluate,
    test: (row) => toCondition(evaluate(row), 'condition') === true,
    source,
    columns: [...compiler.referenced],
    type: compiled.type,
  };
}

/** Compiles against a batch schema: column names and types known. */
export function compileForSchema(source: string, schema: RecordSchema, now?: string): CompiledExpression {
  const types: Record<string, ColumnType> = {};
  for (const c of schema.columns) types[c.name] = c.type;
  return compileExpression(source, { columns: schema.columns.map((c) => c.name), types, ...(now ? { now } : {}) });
}
export { expressionReference, functionReference, EXPRESSION_GRAMMAR } from './reference.js';
