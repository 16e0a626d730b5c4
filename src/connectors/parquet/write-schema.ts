import type { SchemaElement } from 'hyparquet';
import type { Column, Row, Value } from '../../core/records/types.js';
import { daysFromDate, parseTimestamp, unscaledDecimal, type TimeUnit } from './values.js';

/** How one canonical column is written: its Parquet schema element and the value encoder. */
export interface ColumnWriter {
  readonly name: string;
  readonly element: SchemaElement;
  /** shown in dry-run's type map: 'INT64', 'DECIMAL(18,2) as INT64', 'TIMESTAMP(MICROS, UTC)'. */
  readonly describe: string;
  /** the value the writer wants (bigint, number, string…), or a Rejection saying why not. */
  encode(value: Value): unknown;
}

export class Rejection {
  constructor(readonly reason: string) {}
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const shown = (v: Value): string => {
  const text = typeof v === 'string' ? v : typeof v === 'bigint' ? `${v}` : v instanceof Uint8Array ? `${v.length} bytes` : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
const not = (v: Value, what: string): Rejection => new Rejection(`'${shown(v)}' is not ${what}`);

function intWriter(name: string): ColumnWriter {
  return {
    name, describe: 'INT64', element: { name, type: 'INT64', repetition_type: 'OPTIONAL' },
    encode(v) {
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) return v;
      if (typeof v === 'string' && /^[+-]?\d{1,19}$/.test(v)) return intWriter(name).encode(BigInt(v));
      return not(v, 'a 64-bit integer');
    },
  };
}

function decimalWriter(name: string, precision: number, scale: number): ColumnWriter {
  const type = precision <= 9 ? 'INT32' : precision <= 18 ? 'INT64' : 'FIXED_LEN_BYTE_ARRAY';
  const element: SchemaElement = {
    name, type, repetition_type: 'OPTIONAL', converted_type: 'DECIMAL', precision, scale,
    logical_type: { type: 'DECIMAL', precision, scale },
  };
  if (type === 'FIXED_LEN_BYTE_ARRAY') element.type_length = bytesForPrecision(precision);
  const limit = 10n ** BigInt(precision);
  return {
    name, element, describe: `DECIMAL(${precision},${scale}) as ${type}`,
    encode(v) {
      const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;
      const unscaled = text === undefined || /e/i.test(text) ? undefined : unscaledDecimal(text, scale);
      if (unscaled === undefined) return not(v, `a decimal with at most ${scale} fractional digits`);
      if (unscaled >= limit || unscaled <= -limit) return not(v, `a DECIMAL(${precision},${scale})`);
      return unscaled;
    },
  };
}

/** Smallest two's-complement byte count that holds 10^precision - 1. */
function bytesForPrecision(precision: number): number {
  const max = 10n ** BigInt(precision);
  let bytes = 1;
  while (2n ** BigInt(bytes * 8 - 1) < max) bytes++;
  return bytes;
}

function timestampWriter(name: string, unit: TimeUnit, utc: boolean): ColumnWriter {
  const element: SchemaElement = {
    name, type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', unit, isAdjustedToUTC: utc },
  };
  if (utc && unit !== 'NANOS') element.converted_type = unit === 'MICROS' ? 'TIMESTAMP_MICROS' : 'TIMESTAMP_MILLIS';
  const per = unit === 'NANOS' ? 1n : 1000n;
  return {
    name, element, describe: `TIMESTAMP(${unit}, ${utc ? 'UTC' : 'local'})`,
    encode(v) {
      const parsed = typeof v === 'string' ? parseTimestamp(v) : undefined;
      if (!parsed) return not(v, 'an ISO timestamp');
      if (parsed.nanos % per !== 0n) return not(v, 'a timestamp with at most microsecond precision');
      return parsed.nanos / per;
    },
  };
}

function simpleWriter(name: string, describe: string, element: Omit<SchemaElement, 'name' | 'repetition_type'>, encode: (v: Value) => unknown): ColumnWriter {
  return { name, describe, element: { name, repetition_type: 'OPTIONAL', ...element }, encode };
}

function writerFor(column: Column, sample: readonly Row[]): ColumnWriter {
  const { name } = column;
  switch (column.type) {
    case 'integer':
      return intWriter(name);
    case 'decimal': {
      const inferred = decimalShape(name, sample);
      const scale = column.scale ?? inferred.scale;
      const precision = column.precision ?? (inferred.digits + scale <= 18 ? 18 : 38);
      return decimalWriter(name, Math.max(precision, scale, 1), scale);
    }
    case 'timestamp': {
      const values = sample.map((r) => r[name]).filter((v): v is string => typeof v === 'string');
      const utc = column.with_zone ?? values.some((v) => parseTimestamp(v)?.zoned);
      const nanos = /NANOS/i.test(column.native_type ?? '') || values.some((v) => (parseTimestamp(v)?.nanos ?? 0n) % 1000n !== 0n);
      return timestampWriter(name, nanos ? 'NANOS' : 'MICROS', utc);
    }
    case 'number':
      return simpleWriter(name, 'DOUBLE', { type: 'DOUBLE' }, (v) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : not(v, 'a number')));
    case 'boolean':
      return simpleWriter(name, 'BOOLEAN', { type: 'BOOLEAN' }, (v) => (typeof v === 'boolean' ? v : not(v, 'a boolean')));
    case 'date':
      return simpleWriter(name, 'DATE', { type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } }, (v) => {
        const days = typeof v === 'string' && /^-?\d{4,6}-\d{2}-\d{2}$/.test(v) ? daysFromDate(v) : undefined;
        return days ?? not(v, 'a YYYY-MM-DD date');
      });
    case 'json':
      return simpleWriter(name, 'JSON', { type: 'BYTE_ARRAY', converted_type: 'JSON', logical_type: { type: 'JSON' } }, (v) => v);
    case 'binary':
      return simpleWriter(name, 'BYTE_ARRAY', { type: 'BYTE_ARRAY' }, (v) => (v instanceof Uint8Array ? v : not(v, 'binary')));
    default:
      return simpleWriter(name, 'STRING', { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } }, (v) =>
        typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
}

/** Largest integer-part digit count and fractional digit count among a decimal column's values. */
function decimalShape(name: string, sample: readonly Row[]): { digits: number; scale: number } {
  let digits = 1;
  let scale = 0;
  for (const row of sample) {
    const v = row[name];
    const m = typeof v === 'string' || typeof v === 'number' ? /^[+-]?0*(\d*)(?:\.(\d*))?$/.exec(String(v)) : null;
    if (!m) continue;
    digits = Math.max(digits, (m[1] ?? '').length);
    scale = Math.max(scale, (m[2] ?? '').length);
  }
  return { digits, scale: Math.min(scale, 38) };
}

/** The file's schema, fixed from the columns and the first row group's values. */
export function planWriters(columns: readonly Column[], sample: readonly Row[]): ColumnWriter[] {
  return columns.map((c) => writerFor(c, sample));
}

export function schemaElements(writers: readonly ColumnWriter[]): SchemaElement[] {
  return [{ name: 'root', num_children: writers.length }, ...writers.map((w) => w.element)];
}

/** What plan() can say before any data: the decided type, or the rule that will decide it. */
export function describeColumn(column: Column): string {
  if (column.type === 'decimal' && column.precision === undefined) return `DECIMAL(18 or 38, scale from the first row group)`;
  if (column.type === 'decimal') return writerFor(column, []).describe;
  if (column.type === 'timestamp') {
    const zone = column.with_zone === undefined ? 'UTC when values carry a zone' : column.with_zone ? 'UTC' : 'local';
    return `TIMESTAMP(MICROS, ${zone}; NANOS when the first row group has nanoseconds)`;
  }
  return writerFor(column, []).describe;
}
