import { describe, it, expect } from 'vitest';
import { compareWatermarks, computeWindow, durationMicros, subtractLookback, WatermarkTracker } from './watermark.js';

describe('watermark values', () => {
  it('compares numbers numerically (bigint-exact), timestamps by instant, text lexicographically', () => {
    expect(compareWatermarks(10, 9)).toBe(1);
    expect(compareWatermarks('10', '9')).toBe(1);
    expect(compareWatermarks(9007199254740993n, '9007199254740992')).toBe(1);
    expect(compareWatermarks('2.5', 2)).toBe(1);
    expect(compareWatermarks('2024-01-01T10:00:00+02:00', '2024-01-01T09:00:00Z')).toBe(-1);
    expect(compareWatermarks('2024-01-01T10:00:00.000001Z', '2024-01-01T10:00:00Z')).toBe(1);
    expect(compareWatermarks('2024-01-02', '2024-01-01T23:59:59Z')).toBe(1);
    expect(compareWatermarks('b', 'a')).toBe(1);
  });

  it('tracks the max of a column, skipping nulls', () => {
    const t = new WatermarkTracker('v');
    t.observe([{ v: 3n }, { v: null }, { v: 12 }, { v: '11' }]);
    expect(t.max).toBe('12');
    expect(new WatermarkTracker('v').max).toBeUndefined();
  });

  it('subtracts lookback: numbers from numbers, ISO durations from timestamps and dates', () => {
    expect(subtractLookback('100', 10)).toBe('90');
    expect(subtractLookback('9007199254740993', '1')).toBe('9007199254740992');
    expect(subtractLookback('2024-01-01T10:00:00.123456Z', 'PT1H30M')).toBe('2024-01-01T08:30:00.123456Z');
    expect(subtractLookback('2024-03-01', 'P1D')).toBe('2024-02-29');
    expect(subtractLookback('2024-01-01T00:00:00+01:00', 'PT0.5S')).toBe('2023-12-31T22:59:59.500000Z');
    expect(durationMicros('P1W')).toBe(604_800_000_000n);
    expect(durationMicros('PT')).toBeUndefined();
    expect(() => subtractLookback('2024-01-01T00:00:00Z', 5)).toThrow(/lookback 5 does not fit/);
  });

  it('computes the window for each kind of run', () => {
    const incremental = { column: 'ts', initial: 'I', lookback: undefined };
    expect(computeWindow({ incremental })).toEqual({ column: 'ts', after: 'I' });
    expect(computeWindow({ incremental, stored: 'S' })).toEqual({ column: 'ts', after: 'S' });
    expect(computeWindow({ incremental, stored: 'S', full_refresh: true })).toEqual({ column: 'ts' });
    expect(computeWindow({ incremental, stored: 'S', from: 'F', to: 'T' })).toEqual({ column: 'ts', after: 'F', until: 'T' });
    expect(computeWindow({ incremental, stored: 'S', to: 'T' })).toEqual({ column: 'ts', after: 'I', until: 'T' });
  });
});
