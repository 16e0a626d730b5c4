import type { ColumnType, Value } from '../records/types.js';

/** What the compiler knows about a value before run time: a column type, null, or unknown. */
export type StaticType = ColumnType | 'null' | 'any';

/** Run-wide values an expression may read (never the process, never the clock per row). */
export interface ExprEnv {
  /** the run's start time, ISO; `now()` returns it, stable within a run. */
  readonly now: string;
}

export interface FunctionDef {
  readonly name: string;
  readonly signature: string;
  readonly doc: string;
  readonly min: number;
  readonly max: number;
  /** strict functions return null when any argument is null (SQL); default true. */
  readonly strict?: boolean;
  /** index of an argument that must be a date unit ('day', 'month'…), checked at compile time when literal. */
  readonly unitArg?: number;
  returns(args: readonly StaticType[]): StaticType;
  impl(args: Value[], env: ExprEnv): Value;
}

export const NUMERIC_TYPES: ReadonlySet<StaticType> = new Set(['integer', 'number', 'decimal']);
