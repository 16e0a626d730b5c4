import type { Value } from '../../records/types.js';
import {
  decimalFromInteger, floorDecimal, formatDecimal, parseDecimal, roundDecimal, type Decimal,
} from '../decimal.js';
import { ExpressionRuntimeError } from '../errors.js';
import type { FunctionDef, StaticType } from '../types.js';
import { compareValues, describe, normalizeInt, toDecimal, toFloat } from '../values.js';

/** A small integer argument (a length, a position, a digit count). */
export function toInt(v: Value, fn: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
  throw new ExpressionRuntimeError(`${fn}: expected an integer, got ${describe(v)}`);
}

function sameNumeric(args: readonly StaticType[]): StaticType {
  const t = args[0] ?? 'any';
  return t === 'string' ? 'decimal' : t;
}

function abs(a: Value[]): Value {
  const v = a[0]!;
  if (typeof v === 'number') return Math.abs(v);
  if (typeof v === 'bigint') return v < 0n ? -v : v;
  const d = toDecimal(v, 'abs');
  return formatDecimal({ u: d.u < 0n ? -d.u : d.u, s: d.s });
}

function round(a: Value[]): Value {
  const v = a[0]!;
  const n = a.length > 1 ? toIntArg(a[1]!) : 0;
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) {
    if (n >= 0) return v;
    return normalizeInt(roundDecimal(decimalFromInteger(v), n).u);
  }
  if (typeof v === 'number') return Number(formatDecimal(roundDecimal(toDecimal(v, 'round'), n)));
  return formatDecimal(roundDecimal(toDecimal(v, 'round'), n));
}

function toIntArg(v: Value): number {
  const n = toInt(v, 'round');
  if (n > 38 || n < -38) throw new ExpressionRuntimeError(`round: ${n} digits is out of range (-38…38)`);
  return n;
}

function floorCeil(up: boolean) {
  return (a: Value[]): Value => {
    const v = a[0]!;
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number') return up ? Math.ceil(v) : Math.floor(v);
    return normalizeInt(floorDecimal(toDecimal(v, up ? 'ceil' : 'floor'), up));
  };
}

function toNumber(a: Value[]): Value {
  const v = a[0]!;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return toFloat(typeof v === 'string' ? v.trim() : v, 'to_number');
}

/** Rounds half away from zero to an integer; bigint past 2^53. */
function toInteger(a: Value[]): Value {
  const v = a[0]!;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ExpressionRuntimeError(`to_integer: ${v} is not finite`);
    return Number.isInteger(v) ? v : normalizeInt(roundDecimal(toDecimal(v, 'to_integer'), 0).u);
  }
  const d = parseDecimal(typeof v === 'string' ? v : '');
  if (!d) throw new ExpressionRuntimeError(`to_integer: ${describe(v)} is not a number`);
  return normalizeInt(roundDecimal(d, 0).u);
}

/** Decimal text; with a scale, rounded (half away from zero) and padded to it. */
export function toDecimalText(a: Value[]): Value {
  const v = a[0]!;
  const d: Decimal = toDecimal(typeof v === 'string' ? v.trim() : v, 'to_decimal');
  if (a.length < 2) return formatDecimal(d);
  const scale = toInt(a[1]!, 'to_decimal');
  if (scale < 0 || scale > 38) throw new ExpressionRuntimeError(`to_decimal: scale ${scale} is out of range (0…38)`);
  const r = roundDecimal(d, scale);
  return formatDecimal(r.s < scale ? { u: r.u * 10n ** BigInt(scale - r.s), s: scale } : r);
}

function extreme(sign: 1 | -1) {
  return (a: Value[]): Value => {
    let best: Value = null;
    for (const v of a) {
      if (v === null) continue;
      if (best === null) {
        best = v;
        continue;
      }
      const c = compareValues(v, best);
      if (Number.isNaN(c)) throw new ExpressionRuntimeError(`${sign > 0 ? 'greatest' : 'least'}: cannot compare ${describe(v)} with ${describe(best)}`);
      if (c * sign > 0) best = v;
    }
    return best;
  };
}

function commonType(args: readonly StaticType[]): StaticType {
  const known = args.filter((t) => t !== 'null');
  const first = known[0] ?? 'null';
  return known.every((t) => t === first) ? first : 'any';
}

export const numericFunctions: FunctionDef[] = [
  { name: 'abs', signature: 'abs(x)', doc: 'absolute value', min: 1, max: 1, returns: sameNumeric, impl: abs },
  { name: 'round', signature: 'round(x[, n])', doc: 'rounds half away from zero to n decimals (default 0; negative n rounds to tens…); decimals stay exact', min: 1, max: 2, returns: sameNumeric, impl: round },
  { name: 'floor', signature: 'floor(x)', doc: 'largest integer ≤ x', min: 1, max: 1, returns: (t) => (t[0] === 'number' ? 'number' : 'integer'), impl: floorCeil(false) },
  { name: 'ceil', signature: 'ceil(x)', doc: 'smallest integer ≥ x', min: 1, max: 1, returns: (t) => (t[0] === 'number' ? 'number' : 'integer'), impl: floorCeil(true) },
  { name: 'to_number', signature: 'to_number(x)', doc: 'a double (error when x is not a number)', min: 1, max: 1, returns: () => 'number', impl: toNumber },
  { name: 'to_integer', signature: 'to_integer(x)', doc: 'an integer, rounded half away from zero (bigint past 2^53)', min: 1, max: 1, returns: () => 'integer', impl: toInteger },
  { name: 'to_decimal', signature: 'to_decimal(x[, scale])', doc: 'exact decimal text; with scale, rounded and padded (to_decimal(2.5, 2) = \'2.50\')', min: 1, max: 2, returns: () => 'decimal', impl: toDecimalText },
  { name: 'least', signature: 'least(a, b, …)', doc: 'smallest argument, ignoring nulls', min: 1, max: 255, strict: false, returns: commonType, impl: extreme(-1) },
  { name: 'greatest', signature: 'greatest(a, b, …)', doc: 'largest argument, ignoring nulls', min: 1, max: 255, strict: false, returns: commonType, impl: extreme(1) },
];

export const nullFunctions: FunctionDef[] = [
  { name: 'coalesce', signature: 'coalesce(a, b, …)', doc: 'first argument that is not null', min: 1, max: 255, strict: false, returns: commonType, impl: (a) => a.find((v) => v !== null) ?? null },
  {
    name: 'nullif', signature: 'nullif(a, b)', doc: 'null when a = b, else a', min: 2, max: 2, strict: false, returns: (t) => t[0] ?? 'any',
    impl: (a) => (a[0] === null ? null : a[1] !== null && compareValues(a[0]!, a[1]!) === 0 ? null : a[0]!),
  },
  { name: 'is_null', signature: 'is_null(x)', doc: 'true when x is null', min: 1, max: 1, strict: false, returns: () => 'boolean', impl: (a) => a[0] === null },
];
