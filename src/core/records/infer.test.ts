import { describe, it, expect } from 'vitest';
import { coerce, inferSchema, mismatchReason, normaliseDecimal, parseTimestamp, parseValue } from './infer.js';
import type { ColumnType } from './types.js';

function typeOf(values: (string | null)[]): ColumnType {
  return inferSchema(['c'], values.map((v) => [v])).columns[0]!.type;
}

describe('inferSchema', () => {
  it('infers each canonical type', () => {
    expect(typeOf(['1', '-2', '300'])).toBe('integer');
    expect(typeOf(['1', '2.5', '1e3'])).toBe('number');
    expect(typeOf(['12.5', '0.123456789012345678'])).toBe('decimal');
    expect(typeOf(['99999999999999999999'])).toBe('decimal');
    expect(typeOf(['9007199254740993', '1'])).toBe('integer');
    expect(typeOf(['1.5', '12345678901234567'])).toBe('decimal');
    expect(typeOf(['9223372036854775807', '-9223372036854775808'])).toBe('integer');
    expect(typeOf(['9223372036854775808', '1'])).toBe('decimal');
    expect(typeOf(['true', 'FALSE'])).toBe('boolean');
    expect(typeOf(['2024-02-29', '2023-12-31'])).toBe('date');
    expect(typeOf(['2024-02-30'])).toBe('string');
    expect(typeOf(['2024-01-01T10:00:00Z', '2024-01-01 10:00:00.123456789'])).toBe('timestamp');
    expect(typeOf(['yes', 'no'])).toBe('string');
    expect(typeOf(['1', '0'])).toBe('integer');
  });
  it('keeps leading-zero codes as strings and skips nulls and empties', () => {
    expect(typeOf(['00123', '45'])).toBe('string');
    expect(typeOf(['0.5', '0'])).toBe('number');
    expect(typeOf([null, '', '7'])).toBe('integer');
    expect(typeOf([null, ''])).toBe('string');
  });
  it('applies overrides and reports zones', () => {
    const schema = inferSchema(['a', 'b', 'c'], [['1', '2024-01-01T00:00:00+02:00', '2024-01-01T00:00:00']], { a: 'string' });
    expect(schema.columns).toEqual([
      { name: 'a', type: 'string' },
      { name: 'b', type: 'timestamp', with_zone: true },
      { name: 'c', type: 'timestamp', with_zone: false },
    ]);
  });
  it('samples only the first 1000 rows', () => {
    const rows = Array.from({ length: 1500 }, (_, i) => [i < 1000 ? String(i) : 'x']);
    expect(inferSchema(['n'], rows).columns[0]!.type).toBe('integer');
  });
});

describe('parseValue / coerce', () => {
  it('returns canonical values', () => {
    expect(parseValue('42', 'integer')).toBe(42);
    expect(parseValue('9007199254740993', 'integer')).toBe(9007199254740993n);
    expect(parseValue('9223372036854775808', 'integer')).toBeUndefined();
    expect(parseValue('-0', 'integer')).toBe(0);
    expect(parseValue('2.5', 'number')).toBe(2.5);
    expect(parseValue('+007.50', 'decimal')).toBe('7.50');
    expect(parseValue('TRUE', 'boolean')).toBe(true);
    expect(parseValue('false', 'boolean')).toBe(false);
    expect(parseValue('2024-01-02', 'date')).toBe('2024-01-02');
    expect(parseValue('2024-01-02', 'timestamp')).toBe('2024-01-02T00:00:00');
    expect(parseValue('{"a":[1]}', 'json')).toEqual({ a: [1] });
    expect(parseValue('aGk=', 'binary')).toEqual(new Uint8Array([104, 105]));
    expect(parseValue('abc', 'string')).toBe('abc');
  });
  it('normalises decimals and keeps scale', () => {
    expect(normaliseDecimal('.5')).toBe('0.5');
    expect(normaliseDecimal('5.')).toBe('5');
    expect(normaliseDecimal('1.50e1')).toBe('15.0');
    expect(normaliseDecimal('1.5e-3')).toBe('0.0015');
    expect(normaliseDecimal('-0.00')).toBe('0.00');
    expect(normaliseDecimal('123456789012345678901234.5678')).toBe('123456789012345678901234.5678');
    expect(normaliseDecimal('abc')).toBeUndefined();
  });
  it('normalises timestamps and keeps precision', () => {
    expect(parseTimestamp('2024-01-02 03:04')).toBe('2024-01-02T03:04:00');
    expect(parseTimestamp('2024-01-02T03:04:05.123456789z')).toBe('2024-01-02T03:04:05.123456789Z');
    expect(parseTimestamp('2024-01-02T03:04:05,5+0530')).toBe('2024-01-02T03:04:05.5+05:30');
    expect(parseTimestamp('2024-01-02T03:04:05-08')).toBe('2024-01-02T03:04:05-08:00');
    expect(parseTimestamp('2024-01-02T24:00:00')).toBeUndefined();
    expect(parseTimestamp('2024-01-02T03:04:05.1234567890')).toBeUndefined();
  });
  it('says why a value does not fit', () => {
    expect(() => coerce('abc', 'decimal')).toThrow("'abc' is not a decimal");
    expect(mismatchReason('amount', 'abc', 'decimal')).toBe("column amount: 'abc' is not a decimal");
    expect(mismatchReason('id', 'x', 'integer')).toBe("column id: 'x' is not an integer");
    expect(parseValue('1.5', 'integer')).toBeUndefined();
    expect(parseValue('nope', 'json')).toBeUndefined();
    expect(parseValue('a', 'binary')).toBeUndefined();
    expect(parseValue('Infinity', 'number')).toBeUndefined();
  });
});
