import type { Value } from '../records/types.js';
import type { BinaryOp } from './ast.js';
import { ExpressionRuntimeError } from './errors.js';
import { compileLike, type LikeMatcher } from './like.js';
import { looksTemporal } from './temporal.js';
import { NUMERIC_TYPES, type StaticType } from './types.js';
import {
  arith, compareValues, describe, toCondition, toText, type ArithOp, type CompareMode, type NumericMode,
} from './values.js';

export type Eval = (row: Record<string, Value>) => Value;
export interface Typed {
  readonly fn: Eval;
  readonly type: StaticType;
  /** set for literals: their constant value. */
  readonly constant?: { readonly value: Value };
}

export function numericMode(a: StaticType, b: StaticType): NumericMode {
  if (!NUMERIC_TYPES.has(a) || !NUMERIC_TYPES.has(b)) return 'auto';
  if (a === 'number' || b === 'number') return 'float';
  return a === 'decimal' || b === 'decimal' ? 'decimal' : 'auto';
}

export function arithType(op: ArithOp, a: StaticType, b: StaticType): StaticType {
  if (a === 'any' || b === 'any' || a === 'null' || b === 'null') return 'any';
  const x = a === 'string' ? 'decimal' : a;
  const y = b === 'string' ? 'decimal' : b;
  if (x === 'number' || y === 'number') return 'number';
  if (x === 'integer' && y === 'integer') return op === '/' ? 'number' : 'integer';
  return 'decimal';
}

export function compareMode(a: StaticType, b: StaticType): CompareMode {
  if (a === 'date' || a === 'timestamp' || b === 'date' || b === 'timestamp') return 'instant';
  if ((a === 'decimal' && b !== 'boolean') || (b === 'decimal' && a !== 'boolean')) return 'decimal';
  return 'auto';
}

function orderError(a: Value, b: Value): ExpressionRuntimeError {
  return new ExpressionRuntimeError(`cannot compare ${describe(a)} with ${describe(b)}`);
}

function comparison(op: BinaryOp, l: Eval, r: Eval, mode: CompareMode): Eval {
  const test = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
  if (op === '=' || op === '!=') {
    const want = op === '=';
    return (row) => {
      const a = l(row);
      const b = r(row);
      if (a === null || b === null) return null;
      if (typeof a === 'number' && typeof b === 'number' && mode !== 'instant') return (a === b) === want;
      return (compareValues(a, b, mode) === 0) === want;
    };
  }
  return (row) => {
    const a = l(row);
    const b = r(row);
    if (a === null || b === null) return null;
    const c = typeof a === 'number' && typeof b === 'number' && mode !== 'instant' ? a - b : compareValues(a, b, mode);
    if (Number.isNaN(c)) throw orderError(a, b);
    return test(c);
  };
}

function logic(op: 'and' | 'or', l: Eval, r: Eval): Eval {
  const stop = op === 'or';
  return (row) => {
    const a = toCondition(l(row), op);
    if (a === stop) return stop;
    const b = toCondition(r(row), op);
    if (b === stop) return stop;
    return a === null || b === null ? null : !stop;
  };
}

export function binary(op: BinaryOp, left: Typed, right: Typed): Typed {
  const l = left.fn;
  const r = right.fn;
  switch (op) {
    case '+': case '-': case '*': case '/': case '%': {
      const mode = numericMode(left.type, right.type);
      return { fn: (row) => arith(op, l(row), r(row), mode), type: arithType(op, left.type, right.type) };
    }
    case 'and': case 'or':
      return { fn: logic(op, l, r), type: 'boolean' };
    case '||':
      return {
        fn: (row) => {
          const a = l(row);
          const b = r(row);
          return a === null || b === null ? null : toText(a) + toText(b);
        },
        type: 'string',
      };
    case '??':
      return { fn: (row) => l(row) ?? r(row), type: left.type === right.type ? left.type : left.type === 'null' ? right.type : 'any' };
    default:
      return { fn: comparison(op, l, r, compareMode(left.type, right.type)), type: 'boolean' };
  }
}

export function inList(operand: Typed, list: readonly Typed[], negated: boolean): Typed {
  const v = operand.fn;
  const modes = list.map((item) => compareMode(operand.type, item.type));
  const literals = list.every((i) => i.constant && typeof i.constant.value === 'string' && !looksTemporal(i.constant.value));
  const set = literals ? new Set(list.map((i) => i.constant!.value as string)) : undefined;
  const fns = list.map((i) => i.fn);
  return {
    type: 'boolean',
    fn: (row) => {
      const x = v(row);
      if (x === null) return null;
      if (set && typeof x === 'string' && modes[0] === 'auto') return set.has(x) !== negated;
      let sawNull = false;
      for (let i = 0; i < fns.length; i++) {
        const e = fns[i]!(row);
        if (e === null) sawNull = true;
        else if (compareValues(x, e, modes[i]) === 0) return !negated;
      }
      return sawNull ? null : negated;
    },
  };
}

export function between(operand: Typed, low: Typed, high: Typed, negated: boolean): Typed {
  const lm = compareMode(operand.type, low.type);
  const hm = compareMode(operand.type, high.type);
  return {
    type: 'boolean',
    fn: (row) => {
      const x = operand.fn(row);
      const a = low.fn(row);
      const b = high.fn(row);
      if (x === null || a === null || b === null) return null;
      const c1 = compareValues(x, a, lm);
      const c2 = compareValues(x, b, hm);
      if (Number.isNaN(c1)) throw orderError(x, a);
      if (Number.isNaN(c2)) throw orderError(x, b);
      return (c1 >= 0 && c2 <= 0) !== negated;
    },
  };
}

export function like(operand: Typed, pattern: Typed, negated: boolean, ci: boolean): Typed {
  const constant = pattern.constant?.value;
  const fixed = typeof constant === 'string' ? compileLike(constant, ci) : undefined;
  let lastPattern: string | undefined;
  let lastMatcher: LikeMatcher | undefined;
  return {
    type: 'boolean',
    fn: (row) => {
      const x = operand.fn(row);
      if (x === null) return null;
      let m = fixed;
      if (!m) {
        const p = pattern.fn(row);
        if (p === null) return null;
        const text = toText(p);
        if (text !== lastPattern) {
          lastPattern = text;
          lastMatcher = compileLike(text, ci);
        }
        m = lastMatcher!;
      }
      return m(toText(x)) !== negated;
    },
  };
}
