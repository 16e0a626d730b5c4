import { describe, expect, it } from 'vitest';
import { bigintFromBytes, dateFromDays, decimalString, isoFromEpoch, parseTimestamp, timeOfDay, unscaledDecimal } from './values.js';

describe('exact parquet value conversions', () => {
  it('formats epoch values in every unit, before and after 1970, without rounding', () => {
    expect(isoFromEpoch(1_704_067_200_123n, 'MILLIS')).toBe('2024-01-01T00:00:00.123');
    expect(isoFromEpoch(1_704_067_200_123_456n, 'MICROS')).toBe('2024-01-01T00:00:00.123456');
    expect(isoFromEpoch(-1n, 'MICROS')).toBe('1969-12-31T23:59:59.999999');
    expect(isoFromEpoch(1_704_067_200_123_456_789n, 'NANOS')).toBe('2024-01-01T00:00:00.123456789');
    expect(isoFromEpoch(1_704_067_200_123_456_000n, 'NANOS')).toBe('2024-01-01T00:00:00.123456');
    expect(isoFromEpoch(-1n, 'NANOS')).toBe('1969-12-31T23:59:59.999999999');
    expect(isoFromEpoch(253_402_300_799_999_999n, 'MICROS')).toBe('9999-12-31T23:59:59.999999');
    expect(() => isoFromEpoch(2n ** 62n, 'MILLIS')).toThrow(RangeError);
    expect(dateFromDays(19_782)).toBe('2024-02-29');
    expect(dateFromDays(-1)).toBe('1969-12-31');
    expect(timeOfDay(3_723_000_001n, 'MICROS')).toBe('01:02:03.000001');
  });

  it('converts decimals from unscaled integers and two\'s complement bytes', () => {
    expect(decimalString(12345n, 2)).toBe('123.45');
    expect(decimalString(-5n, 4)).toBe('-0.0005');
    expect(decimalString(7n, 0)).toBe('7');
    expect(bigintFromBytes(new Uint8Array([0xff, 0xfe]))).toBe(-2n);
    expect(bigintFromBytes(new Uint8Array([0x01, 0x00]))).toBe(256n);
    expect(unscaledDecimal('-12.3', 3)).toBe(-12300n);
    expect(unscaledDecimal('1.2300', 2)).toBe(123n);
    expect(unscaledDecimal('1.234', 2)).toBeUndefined();
    expect(unscaledDecimal('abc', 2)).toBeUndefined();
  });

  it('parses ISO timestamps to exact nanoseconds, honouring offsets', () => {
    expect(parseTimestamp('2024-01-01T00:00:00.123456789Z')).toEqual({ nanos: 1_704_067_200_123_456_789n, zoned: true });
    expect(parseTimestamp('2024-01-01T02:00:00+02:00')).toEqual({ nanos: 1_704_067_200_000_000_000n, zoned: true });
    expect(parseTimestamp('2024-01-01 00:00')).toEqual({ nanos: 1_704_067_200_000_000_000n, zoned: false });
    expect(parseTimestamp('2024-13-01T00:00:00')).toBeUndefined();
  });
});
