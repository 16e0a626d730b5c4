import type { JsonValue } from '../../core/records/types.js';

/**
 * Exact conversions between Parquet's physical values and the canonical representations
 * (decimal strings, ISO timestamps with micro/nanoseconds, 'YYYY-MM-DD'). Nothing here goes
 * through a float or a Date where precision could be lost.
 */

export type TimeUnit = 'MILLIS' | 'MICROS' | 'NANOS';

const NANOS_PER: Record<TimeUnit, bigint> = { MILLIS: 1_000_000n, MICROS: 1_000n, NANOS: 1n };
const NANOS_PER_SECOND = 1_000_000_000n;
/** Date's range is ±8.64e15 ms. */
const MAX_SECONDS = 8_640_000_000_000n;

/** ISO 8601 without a zone: millis → .sss, micros → .ssssss, nanos → .ssssss or .sssssssss when needed. */
export function isoFromEpoch(value: bigint, unit: TimeUnit): string {
  // fast path: millis and micros within ±285 years of 1970 fit a double exactly
  if (unit !== 'NANOS') {
    const n = Number(value);
    if (Number.isSafeInteger(n)) {
      const perMs = unit === 'MILLIS' ? 1 : 1000;
      const ms = Math.floor(n / perMs);
      const base = new Date(ms).toISOString();
      if (unit === 'MILLIS') return base.slice(0, -1);
      return `${base.slice(0, -1)}${String(n - ms * perMs).padStart(3, '0')}`;
    }
  }
  const nanos = value * NANOS_PER[unit];
  let seconds = nanos / NANOS_PER_SECOND;
  let frac = nanos % NANOS_PER_SECOND;
  if (frac < 0n) {
    frac += NANOS_PER_SECOND;
    seconds -= 1n;
  }
  if (seconds > MAX_SECONDS || seconds < -MAX_SECONDS) throw new RangeError(`timestamp ${value} ${unit.toLowerCase()} is out of range`);
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, -5);
  const digits = frac.toString().padStart(9, '0');
  if (unit === 'MILLIS') return `${base}.${digits.slice(0, 3)}`;
  if (unit === 'MICROS' || digits.endsWith('000')) return `${base}.${digits.slice(0, 6)}`;
  return `${base}.${digits}`;
}

export function dateFromDays(days: number): string {
  const iso = new Date(days * 86_400_000).toISOString();
  return iso.slice(0, iso.indexOf('T'));
}

/** 'HH:MM:SS.sss' (or .ssssss / .sssssssss) from a TIME value since midnight. */
export function timeOfDay(value: number | bigint, unit: TimeUnit): string {
  const iso = isoFromEpoch(BigInt(value), unit);
  return iso.slice(iso.indexOf('T') + 1);
}

/** Big-endian two's complement bytes → bigint (DECIMAL in BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY). */
export function bigintFromBytes(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if (bytes.length > 0 && (bytes[0] as number) & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

/** An unscaled integer and a scale → '123.45' (scale 2), '-0.05', '12' (scale 0). */
export function decimalString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale);
  const padded = digits.padStart(scale + 1, '0');
  const cut = padded.length - scale;
  return `${negative ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/** A raw DECIMAL value as hyparquet returns it without its annotation. */
export function decimalFromRaw(raw: unknown, scale: number): string {
  if (typeof raw === 'bigint') return decimalString(raw, scale);
  if (typeof raw === 'number') return decimalString(BigInt(raw), scale);
  if (raw instanceof Uint8Array) return decimalString(bigintFromBytes(raw), scale);
  throw new TypeError(`unexpected DECIMAL value ${String(raw)}`);
}

/** Parses a canonical decimal string into the unscaled integer at `scale`; undefined when it needs more digits. */
export function unscaledDecimal(text: string, scale: number): bigint | undefined {
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const [, sign, int = '', fracRaw = ''] = m;
  const frac = fracRaw.replace(/0+$/, '');
  if (frac.length > scale) return undefined;
  const value = BigInt((int || '0') + frac.padEnd(scale, '0'));
  return sign === '-' ? -value : value;
}

const ISO_TS = /^(-?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface ParsedTimestamp {
  /** nanoseconds since the epoch (UTC when the text had a zone, wall clock otherwise). */
  readonly nanos: bigint;
  readonly zoned: boolean;
}

/** Parses an ISO 8601 timestamp exactly (nanosecond digits kept). */
export function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const m = ISO_TS.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  let nanos = BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const minutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
    nanos -= sign * minutes * 60n * NANOS_PER_SECOND;
  }
  return { nanos, zoned: zone !== undefined };
}

/** Days since the epoch from 'YYYY-MM-DD' (or the date part of a timestamp). */
export function daysFromDate(text: string): number | undefined {
  const m = /^(-?\d{4,6})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) ? undefined : Math.round(ms / 86_400_000);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A nested value (list/map/struct element) as JSON: bigint → number when safe, else its
 * decimal string; bytes → UTF-8 text when valid, else base64; typed arrays → arrays.
 */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Uint8Array) {
    try {
      return utf8.decode(value);
    } catch {
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    }
  }
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, toJsonValue);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonValue(v)]));
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJsonValue(v);
    return out;
  }
  return String(value);
}
