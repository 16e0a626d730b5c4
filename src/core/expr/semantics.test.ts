import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionRuntimeError } from './index.js';

const ev = (src: string, row: Record<string, unknown> = {}, types?: Record<string, string>) =>
  compileExpression(src, types ? { types: types as never } : {}).evaluate(row as never);

describe('null logic (SQL three-valued)', () => {
  it('propagates null through operators and comparisons', () => {
    expect(ev('null + 1')).toBe(null);
    expect(ev('x > 1', { x: null })).toBe(null);
    expect(ev('null = null')).toBe(null);
    expect(ev("'a' || null")).toBe(null);
    expect(ev('-x', { x: null })).toBe(null);
  });

  it('follows the and/or/not truth tables', () => {
    expect(ev('null and false')).toBe(false);
    expect(ev('null and true')).toBe(null);
    expect(ev('null or true')).toBe(true);
    expect(ev('null or false')).toBe(null);
    expect(ev('not null')).toBe(null);
  });

  it('handles null in in-lists and between', () => {
    expect(ev('1 in (2, null)')).toBe(null);
    expect(ev('1 in (1, null)')).toBe(true);
    expect(ev('null in (1)')).toBe(null);
    expect(ev('1 not in (2, null)')).toBe(null);
    expect(ev('x between 1 and null', { x: 2 })).toBe(null);
  });

  it('test() treats null as false, like WHERE', () => {
    const e = compileExpression('x > 1');
    expect(e.test({ x: null })).toBe(false);
    expect(e.test({ x: 2 })).toBe(true);
  });

  it('?? and coalesce pick the first non-null', () => {
    expect(ev('x ?? 0', { x: null })).toBe(0);
    expect(ev('x ?? 0', { x: 5 })).toBe(5);
    expect(ev("coalesce(null, null, 'z')")).toBe('z');
  });
});

describe('exact numbers', () => {
  it('keeps decimals exact', () => {
    expect(ev("'1.005' * 3")).toBe('3.015');
    expect(ev("'0.1' + '0.2'")).toBe('0.3');
    expect(ev('0.1 + 0.2')).toBe('0.3');
    expect(ev("'12.30' * 2")).toBe('24.60');
    expect(ev("'10.00' - '0.01'")).toBe('9.99');
    expect(ev("'1' / '3'")).toBe('0.333333');
    expect(ev("'2' / '3'")).toBe('0.666667');
    expect(ev("'-2' / '3'")).toBe('-0.666667');
    expect(ev("'10.5' % 3")).toBe('1.5');
    expect(ev('-x', { x: '1.50' })).toBe('-1.50');
    expect(ev('amount * qty', { amount: '19.99', qty: 3 })).toBe('59.97');
  });

  it('uses doubles when a double is involved', () => {
    expect(ev('x * 2', { x: 1.5 })).toBe(3);
    expect(ev("x + '0.5'", { x: 0.25 })).toBe(0.75);
    expect(ev('x * y', { x: '2.5', y: 2 }, { x: 'number', y: 'integer' })).toBe(5);
  });

  it('follows column types: decimal columns compare as numbers', () => {
    expect(ev('a > b', { a: '10.0', b: '9.5' })).toBe(false); // two texts compare as text
    expect(ev('a > b', { a: '10.0', b: '9.5' }, { a: 'decimal', b: 'decimal' })).toBe(true);
    expect(ev('a = b', { a: '1.50', b: '1.5' }, { a: 'decimal', b: 'decimal' })).toBe(true);
    expect(ev("amount > 100", { amount: '100.01' })).toBe(true);
    expect(ev("amount = 1.5", { amount: '1.50' })).toBe(true);
  });

  it('uses bigint beyond 2^53', () => {
    expect(ev('9007199254740993 + 1')).toBe(9007199254740994n);
    expect(ev('x * 1000', { x: 9007199254740 })).toBe(9007199254740000);
    expect(ev('x * 10000', { x: 9007199254740 })).toBe(90071992547400000n);
    expect(ev('x - 1', { x: 9007199254740993n })).toBe(9007199254740992n);
    expect(ev('x - 2', { x: 9007199254740993n })).toBe(9007199254740991);
    expect(ev('x > 1', { x: 9007199254740993n })).toBe(true);
    expect(ev("x * '1.5'", { x: 9007199254740993n })).toBe('13510798882111489.5');
  });

  it('integer division gives a double, modulo stays integer', () => {
    expect(ev('7 / 2')).toBe(3.5);
    expect(ev('7 % 2')).toBe(1);
    expect(ev('-7 % 2')).toBe(-1);
  });

  it('division by zero and non-numeric text are row errors', () => {
    expect(() => ev('1 / 0')).toThrow(ExpressionRuntimeError);
    expect(() => ev("'1.5' / 0")).toThrow('division by zero');
    expect(() => ev("'abc' * 2")).toThrow("operator *: 'abc' is not a number");
    expect(() => ev("x > 1", { x: 'abc' })).toThrow("cannot compare 'abc' with 1");
    expect(ev("x = 1", { x: 'abc' })).toBe(false);
  });
});

describe('timestamps and dates', () => {
  it('compares instants across offsets', () => {
    expect(ev("'2024-01-01T00:00:00Z' = '2024-01-01T01:00:00+01:00'")).toBe(true);
    expect(ev("a < b", { a: '2024-01-01T10:00:00+05:00', b: '2024-01-01T06:00:00Z' })).toBe(true);
    expect(ev("ts > '2024-01-01'", { ts: '2024-01-01T00:00:00.000001Z' })).toBe(true);
    expect(ev("ts >= '2024-01-02'", { ts: '2024-01-01T23:59:59.999999Z' })).toBe(false);
    expect(ev("d between '2024-01-01' and '2024-01-31'", { d: '2024-01-15' })).toBe(true);
  });

  it('typed timestamp columns compare as instants', () => {
    expect(ev("ts < '2024-06-01 00:00:00+02:00'", { ts: '2024-05-31T22:30:00Z' }, { ts: 'timestamp' })).toBe(false);
    expect(() => ev("ts < 'soon'", { ts: '2024-05-31T22:30:00Z' }, { ts: 'timestamp' })).toThrow('cannot compare');
  });
});

describe('case and booleans', () => {
  it('accepts true/false text and 1/0 as conditions', () => {
    expect(ev('active and x > 1', { active: 'true', x: 2 })).toBe(true);
    expect(ev('not flag', { flag: 0 })).toBe(true);
    expect(() => ev('name and true', { name: 'bob' })).toThrow('expected a boolean');
  });

  it('infers result types', () => {
    const types = { amount: 'decimal', qty: 'integer', price: 'number', ts: 'timestamp', name: 'string' } as const;
    const t = (src: string) => compileExpression(src, { types }).type;
    expect(t('amount * qty')).toBe('decimal');
    expect(t('qty * 2')).toBe('integer');
    expect(t('qty / 2')).toBe('number');
    expect(t('price * amount')).toBe('number');
    expect(t('amount > 1')).toBe('boolean');
    expect(t("name || '!'")).toBe('string');
    expect(t("date_add(ts, 1, 'day')")).toBe('timestamp');
    expect(t('year(ts)')).toBe('integer');
    expect(t("case when qty > 1 then amount else 0 end")).toBe('decimal');
    expect(t('unknown_col + 1')).toBe('any');
  });
});
