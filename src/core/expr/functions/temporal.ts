import type { Value } from '../../records/types.js';
import { ExpressionRuntimeError } from '../errors.js';
import {
  addUnits, dateUnit, datePart, diffUnits, formatDate, formatTimestamp, parseInstant, truncate,
  type DateUnit, type Instant,
} from '../temporal.js';
import type { FunctionDef, StaticType } from '../types.js';
import { describe, toFloat } from '../values.js';
import { toInt } from './numeric.js';

const DAY_OR_MORE: ReadonlySet<DateUnit> = new Set(['day', 'week', 'month', 'quarter', 'year']);

function instant(v: Value, fn: string): Instant {
  const i = typeof v === 'string' ? parseInstant(v) : undefined;
  if (!i) throw new ExpressionRuntimeError(`${fn}: ${describe(v)} is not a date or timestamp`);
  return i;
}

function unit(v: Value, fn: string): DateUnit {
  const u = typeof v === 'string' ? dateUnit(v) : undefined;
  if (!u) throw new ExpressionRuntimeError(`${fn}: unknown unit ${describe(v)}`);
  return u;
}

/** Dates stay dates when the unit is a day or more; everything else becomes a timestamp. */
function output(us: number, dateOnly: boolean, u: DateUnit): string {
  return dateOnly && DAY_OR_MORE.has(u) ? formatDate(us) : formatTimestamp(us);
}

/** Static type of date_add/date_trunc: follows the temporal argument. */
function follows(index: number) {
  return (t: readonly StaticType[]): StaticType => {
    const a = t[index];
    return a === 'date' || a === 'timestamp' ? a : 'any';
  };
}

function part(name: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'): FunctionDef {
  return {
    name, signature: `${name}(ts)`, doc: `the ${name} (UTC) of a date or timestamp`, min: 1, max: 1,
    returns: () => 'integer', impl: (a) => datePart(instant(a[0]!, name).us, name),
  };
}

function toTimestamp(a: Value[]): Value {
  const v = a[0]!;
  if (typeof v === 'number' || typeof v === 'bigint') return formatTimestamp(Math.round(Number(v) * 1_000_000));
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return formatTimestamp(Math.round(toFloat(v, 'to_timestamp') * 1_000_000));
  return formatTimestamp(instant(v, 'to_timestamp').us);
}

const FORMAT_CODES: Record<string, (us: number) => string> = {
  Y: (us) => String(datePart(us, 'year')).padStart(4, '0'),
  m: (us) => String(datePart(us, 'month')).padStart(2, '0'),
  d: (us) => String(datePart(us, 'day')).padStart(2, '0'),
  H: (us) => String(datePart(us, 'hour')).padStart(2, '0'),
  M: (us) => String(datePart(us, 'minute')).padStart(2, '0'),
  S: (us) => String(datePart(us, 'second')).padStart(2, '0'),
  f: (us) => String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0'),
  '%': () => '%',
};

function formatWith(a: Value[]): Value {
  const us = instant(a[0]!, 'format_date').us;
  const fmt = String(a[1]);
  return fmt.replace(/%(.)/g, (whole, code: string) => (Object.hasOwn(FORMAT_CODES, code) ? FORMAT_CODES[code]!(us) : whole));
}

export const temporalFunctions: FunctionDef[] = [
  { name: 'now', signature: 'now()', doc: 'the run start time (the same for every row of a run)', min: 0, max: 0, returns: () => 'timestamp', impl: (_a, env) => formatTimestamp(instant(env.now, 'now').us) },
  { name: 'today', signature: 'today()', doc: 'the UTC date of the run start', min: 0, max: 0, returns: () => 'date', impl: (_a, env) => formatDate(instant(env.now, 'today').us) },
  { name: 'date', signature: 'date(ts)', doc: 'the UTC date of a timestamp (\'YYYY-MM-DD\')', min: 1, max: 1, returns: () => 'date', impl: (a) => formatDate(instant(a[0]!, 'date').us) },
  part('year'), part('month'), part('day'), part('hour'), part('minute'), part('second'),
  {
    name: 'date_trunc', signature: "date_trunc('day', ts)", doc: 'start of the unit containing ts (weeks start on Monday)', min: 2, max: 2, unitArg: 0,
    returns: follows(1), impl: (a) => {
      const u = unit(a[0]!, 'date_trunc');
      const i = instant(a[1]!, 'date_trunc');
      return output(truncate(i.us, u), i.dateOnly, u);
    },
  },
  {
    name: 'date_add', signature: "date_add(ts, n, 'day')", doc: 'ts plus n units (negative n subtracts; months clamp to the last day)', min: 3, max: 3, unitArg: 2,
    returns: follows(0), impl: (a) => {
      const i = instant(a[0]!, 'date_add');
      const u = unit(a[2]!, 'date_add');
      return output(addUnits(i.us, toInt(a[1]!, 'date_add'), u), i.dateOnly, u);
    },
  },
  {
    name: 'date_diff', signature: "date_diff('day', a, b)", doc: 'unit boundaries crossed from a to b (b − a), as DuckDB', min: 3, max: 3, unitArg: 0,
    returns: () => 'integer', impl: (a) => diffUnits(instant(a[1]!, 'date_diff').us, instant(a[2]!, 'date_diff').us, unit(a[0]!, 'date_diff')),
  },
  { name: 'to_timestamp', signature: 'to_timestamp(x)', doc: 'an ISO text (any offset) or epoch seconds → UTC timestamp', min: 1, max: 1, returns: () => 'timestamp', impl: toTimestamp },
  { name: 'to_date', signature: 'to_date(x)', doc: 'an ISO date or timestamp → its UTC date', min: 1, max: 1, returns: () => 'date', impl: (a) => formatDate(instant(a[0]!, 'to_date').us) },
  { name: 'format_date', signature: "format_date(ts, '%Y-%m-%d')", doc: 'formats with %Y %m %d %H %M %S %f %% (UTC)', min: 2, max: 2, returns: () => 'string', impl: formatWith },
];
