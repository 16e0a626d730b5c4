import type { Value } from '../records/types.js';
import {
  addDecimal, compareDecimal, decimalFromInteger, decimalFromNumber, divDecimal, formatDecimal, modDecimal,
  mulDecimal, parseDecimal, parseSmallDecimal, smallOp, subDecimal, type Decimal, type SmallDecimal,
} from './decimal.js';
import { ExpressionRuntimeError } from './errors.js';
import { looksTemporal, parseInstant } from './temporal.js';

/**
 * Runtime semantics shared by operators and functions. Numbers: JS numbers are integers when
 * whole, bigint are big integers, strings are decimals when they look like numbers. Arithmetic:
 * any double operand → double; integer ∘ integer → integer (bigint past 2^53); otherwise exact
 * decimal. Nulls propagate.
 */
export type ArithOp = '+' | '-' | '*' | '/' | '%';

/** How an operator was specialised at compile time from the static operand types. */
export type NumericMode = 'auto' | 'float' | 'decimal';

export function describe(v: Value): string {
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return 'binary';
  if (v !== null && typeof v === 'object') return 'json';
  return String(v);
}

export function normalizeInt(n: bigint): number | bigint {
  return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
}

export function toDecimal(v: Value, what: string): Decimal {
  if (typeof v === 'string') {
    const d = parseDecimal(v);
    if (d) return d;
  } else if (typeof v === 'number') {
    const d = decimalFromNumber(v);
    if (d) return d;
  } else if (typeof v === 'bigint') {
    return decimalFromInteger(v);
  }
  throw new ExpressionRuntimeError(`${what}: ${describe(v)} is not a number`);
}

export function toFloat(v: Value, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const d = parseDecimal(v);
    if (d) return Number(v);
  }
  throw new ExpressionRuntimeError(`${what}: ${describe(v)} is not a number`);
}

function isFloat(v: Value): boolean {
  return typeof v === 'number' && !Number.isInteger(v);
}

function floatOp(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/':
      if (b === 0) throw new ExpressionRuntimeError('division by zero');
      return a / b;
    default:
      if (b === 0) throw new ExpressionRuntimeError('division by zero');
      return a % b;
  }
}

function intOp(op: ArithOp, a: number | bigint, b: number | bigint): Value {
  if (op === '/') return floatOp(op, Number(a), Number(b));
  if (typeof a === 'number' && typeof b === 'number') {
    const r = floatOp(op, a, b);
    if (Number.isSafeInteger(r)) return r;
  }
  const x = BigInt(a);
  const y = BigInt(b);
  if (op === '%' && y === 0n) throw new ExpressionRuntimeError('division by zero');
  const r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x % y;
  return normalizeInt(r);
}

function smallOf(v: Value): SmallDecimal | undefined {
  if (typeof v === 'string') return parseSmallDecimal(v);
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e15) return { u: v, s: 0 };
  return undefined;
}

function decimalArith(op: ArithOp, a: Value, b: Value): string {
  if (op === '+' || op === '-' || op === '*') {
    const x = smallOf(a);
    const y = x && smallOf(b);
    const r = y && smallOp(op, x!, y);
    if (r !== undefined) return r;
  }
  return decimalOp(op, toDecimal(a, `operator ${op}`), toDecimal(b, `operator ${op}`));
}

function decimalOp(op: ArithOp, a: Decimal, b: Decimal): string {
  let r: Decimal | undefined;
  switch (op) {
    case '+': r = addDecimal(a, b); break;
    case '-': r = subDecimal(a, b); break;
    case '*': r = mulDecimal(a, b); break;
    case '/': r = divDecimal(a, b); break;
    default: r = modDecimal(a, b);
  }
  if (r === undefined) throw new ExpressionRuntimeError('division by zero');
  return formatDecimal(r);
}

export function arith(op: ArithOp, a: Value, b: Value, mode: NumericMode = 'auto'): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number' && mode !== 'decimal') {
    if (mode === 'float' || !Number.isInteger(a) || !Number.isInteger(b)) return floatOp(op, a, b);
    return intOp(op, a, b);
  }
  if (mode === 'float' || isFloat(a) || isFloat(b)) return floatOp(op, toFloat(a, op), toFloat(b, op));
  const ta = typeof a;
  const tb = typeof b;
  if (mode === 'auto' && (ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) {
    return intOp(op, a as number | bigint, b as number | bigint);
  }
  return decimalArith(op, a, b);
}

export function negate(v: Value, mode: NumericMode = 'auto'): Value {
  if (v === null) return null;
  if (typeof v === 'number') return mode === 'decimal' ? decimalOp('-', { u: 0n, s: 0 }, toDecimal(v, '-')) : v === 0 ? 0 : -v;
  if (typeof v === 'bigint') return normalizeInt(-v);
  return decimalOp('-', { u: 0n, s: 0 }, toDecimal(v, 'unary -'));
}

/** How two values are ordered: 'auto' looks at the runtime values; the others were fixed by types. */
export type CompareMode = 'auto' | 'decimal' | 'instant';

function instantOf(v: Value): number | undefined {
  return typeof v === 'string' ? parseInstant(v)?.us : undefined;
}

/**
 * −1/0/1, or NaN when the values cannot be compared (text vs number that is not numeric).
 * Callers turn NaN into false for `=` and into an error for `<`.
 */
export function compareValues(a: Value, b: Value, mode: CompareMode = 'auto'): number {
  const ta = typeof a;
  const tb = typeof b;
  if (mode === 'instant') {
    const x = instantOf(a);
    const y = instantOf(b);
    if (x === undefined || y === undefined) return NaN;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint') && mode !== 'decimal') {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (ta === 'string' && tb === 'string' && mode !== 'decimal') return compareText(a as string, b as string);
  if (ta === 'string' && tb === 'number' && Number.isInteger(b) && Math.abs(b as number) < 1e15) {
    // ≤15 significant digits map to distinct, ordered doubles: exact against a safe integer
    const x = parseSmallDecimal(a as string);
    if (x) return compareSmall(x, b as number);
  } else if (tb === 'string' && ta === 'number' && Number.isInteger(a) && Math.abs(a as number) < 1e15) {
    const y = parseSmallDecimal(b as string);
    if (y) return -compareSmall(y, a as number);
  }
  const numericA = ta === 'number' || ta === 'bigint' || ta === 'string';
  const numericB = tb === 'number' || tb === 'bigint' || tb === 'string';
  if (numericA && numericB) {
    const x = ta === 'string' ? parseDecimal(a as string) : toDecimal(a, '');
    const y = tb === 'string' ? parseDecimal(b as string) : toDecimal(b, '');
    if (x === undefined || y === undefined) return NaN;
    return compareDecimal(x, y);
  }
  if (ta === 'boolean' || tb === 'boolean') {
    const x = asBoolean(a);
    const y = asBoolean(b);
    if (x === undefined || y === undefined) return NaN;
    return x === y ? 0 : x ? 1 : -1;
  }
  return JSON.stringify(a, jsonSafe) === JSON.stringify(b, jsonSafe) ? 0 : NaN;
}

function compareSmall(x: SmallDecimal, n: number): number {
  const scaled = n * 10 ** x.s;
  if (Number.isSafeInteger(scaled)) return x.u < scaled ? -1 : x.u > scaled ? 1 : 0;
  return compareDecimal({ u: BigInt(x.u), s: x.s }, { u: BigInt(n), s: 0 });
}

function jsonSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Array.from(v) : v;
}

/** Two texts compare as instants when both are ISO dates/timestamps, else by code point. */
function compareText(a: string, b: string): number {
  if (looksTemporal(a) && looksTemporal(b)) {
    const x = parseInstant(a);
    const y = parseInstant(b);
    if (x && y) return x.us < y.us ? -1 : x.us > y.us ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function asBoolean(v: Value): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === 't' || t === 'yes' || t === '1') return true;
    if (t === 'false' || t === 'f' || t === 'no' || t === '0') return false;
    return undefined;
  }
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  return undefined;
}

/** A condition operand: boolean or null; 'true'/'false' texts and 1/0 are accepted. */
export function toCondition(v: Value, what: string): boolean | null {
  if (v === null || typeof v === 'boolean') return v;
  const b = asBoolean(v);
  if (b === undefined) throw new ExpressionRuntimeError(`${what}: expected a boolean, got ${describe(v)}`);
  return b;
}

/** Text form used by `||`, concat() and to_string(). */
export function toText(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return JSON.stringify(v, jsonSafe);
}
