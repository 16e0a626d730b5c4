import { describe, expect, it } from 'vitest';
import { globToRegExp, pool, resolveStream } from './streams.js';

describe('streams helpers', () => {
  it('resolves {stream} and {stream_table}', () => {
    expect(resolveStream('out/{stream}.parquet', 'sales.orders')).toBe('out/sales.orders.parquet');
    expect(resolveStream('staging.{stream_table}', 'sales.orders')).toBe('staging.orders');
    expect(resolveStream('staging.{stream_table}', 'orders')).toBe('staging.orders');
    expect(resolveStream('plain', 'x')).toBe('plain');
  });

  it('matches globs on whole names, case-sensitively, with regex characters taken literally', () => {
    const re = globToRegExp('sales.*');
    expect(['sales.orders', 'sales.x.y', 'salesXorders', 'Sales.orders', 'other.sales.orders'].filter((n) => re.test(n))).toEqual(['sales.orders', 'sales.x.y']);
    expect(globToRegExp('a?c').test('abc')).toBe(true);
    expect(globToRegExp('a+(b)').test('a+(b)')).toBe(true);
  });

  it('runs at most N at once, keeps order, settles failures, and stops starting when told', async () => {
    let running = 0;
    let peak = 0;
    const results = await pool([1, 2, 3, 4, 5], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5 * (6 - n)));
      running--;
      if (n === 3) throw new Error('three');
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(results.map((r) => (r?.status === 'fulfilled' ? r.value : r?.status))).toEqual([10, 20, 'rejected', 40, 50]);
    let started = 0;
    const stopped = await pool([1, 2, 3], 1, async () => { started++; }, () => started >= 1);
    expect(stopped.map((r) => r?.status)).toEqual(['fulfilled', undefined, undefined]);
  });
});
