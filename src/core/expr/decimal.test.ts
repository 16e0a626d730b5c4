import { describe, expect, it } from 'vitest';
import {
  addDecimal, divDecimal, formatDecimal, mulDecimal, parseDecimal, parseSmallDecimal, roundDecimal, smallOp, subDecimal,
} from './decimal.js';
import { compareValues } from './values.js';

/** A deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDecimal(r: () => number): string {
  const int = String(Math.floor(r() * 10 ** Math.floor(r() * 9)));
  const scale = Math.floor(r() * 5);
  const frac = Array.from({ length: scale }, () => Math.floor(r() * 10)).join('');
  return `${r() < 0.3 ? '-' : ''}${int}${scale > 0 ? `.${frac}` : ''}`;
}

describe('decimal', () => {
  it('parses and formats', () => {
    expect(formatDecimal(parseDecimal('12.30')!)).toBe('12.30');
    expect(formatDecimal(parseDecimal('-0.05')!)).toBe('-0.05');
    expect(formatDecimal(parseDecimal('1.5e3')!)).toBe('1500');
    expect(formatDecimal(parseDecimal('1.5e-3')!)).toBe('0.0015');
    expect(parseDecimal('abc')).toBeUndefined();
    expect(parseDecimal('')).toBeUndefined();
    expect(parseDecimal('1.2.3')).toBeUndefined();
    expect(parseSmallDecimal('1234567890123456')).toBeUndefined();
    expect(parseSmallDecimal('-.5')).toEqual({ u: -5, s: 1 });
  });

  it('divides with scale max(6, scales), rounding half away from zero', () => {
    expect(formatDecimal(divDecimal(parseDecimal('1')!, parseDecimal('8')!)!)).toBe('0.125000');
    expect(formatDecimal(divDecimal(parseDecimal('1.00000005')!, parseDecimal('1')!)!)).toBe('1.00000005');
    expect(formatDecimal(divDecimal(parseDecimal('-5')!, parseDecimal('9')!)!)).toBe('-0.555556');
    expect(divDecimal(parseDecimal('1')!, parseDecimal('0.00')!)).toBeUndefined();
  });

  it('rounds half away from zero, also to negative scales', () => {
    expect(formatDecimal(roundDecimal(parseDecimal('2.5')!, 0))).toBe('3');
    expect(formatDecimal(roundDecimal(parseDecimal('-2.45')!, 1))).toBe('-2.5');
    expect(formatDecimal(roundDecimal(parseDecimal('1250')!, -2))).toBe('1300');
  });

  it('the small-number fast path agrees with BigInt arithmetic', () => {
    const r = rng(42);
    for (let i = 0; i < 5000; i++) {
      const a = randomDecimal(r);
      const b = randomDecimal(r);
      const x = parseDecimal(a)!;
      const y = parseDecimal(b)!;
      const big = { '+': addDecimal(x, y), '-': subDecimal(x, y), '*': mulDecimal(x, y) };
      for (const op of ['+', '-', '*'] as const) {
        const fast = smallOp(op, parseSmallDecimal(a)!, parseSmallDecimal(b)!);
        if (fast !== undefined) expect(fast, `${a} ${op} ${b}`).toBe(formatDecimal(big[op]).replace(/^-0(\.0*)?$/, '0$1'));
      }
      const n = Math.floor(r() * 2000) - 1000;
      const exact = Math.sign(Number(formatDecimal(subDecimal(x, parseDecimal(String(n))!).u === 0n ? { u: 0n, s: 0 } : subDecimal(x, parseDecimal(String(n))!))));
      expect(compareValues(a, n), `${a} vs ${n}`).toBe(exact === 0 ? 0 : exact);
    }
  });
});
