import { describe, expect, it } from 'vitest';
import { readAhead } from './read-ahead.js';

async function* numbers(n: number, log: string[], failAt?: number): AsyncGenerator<number> {
  try {
    for (let i = 1; i <= n; i++) {
      log.push(`make ${i}`);
      if (i === failAt) throw new Error(`failed at ${i}`);
      yield i;
    }
  } finally {
    log.push('closed');
  }
}

describe('readAhead', () => {
  it('yields every item in order and makes the next one while the current is consumed', async () => {
    const log: string[] = [];
    const out: number[] = [];
    for await (const n of readAhead(numbers(3, log))) {
      log.push(`use ${n}`);
      out.push(n);
    }
    expect(out).toEqual([1, 2, 3]);
    expect(log.indexOf('make 2')).toBeLessThan(log.indexOf('use 1'));
    expect(log).toContain('closed');
  });

  it('a failure while pulling ahead reaches the consumer at that item, not as an unhandled rejection', async () => {
    const log: string[] = [];
    const out: number[] = [];
    await expect((async () => {
      for await (const n of readAhead(numbers(5, log, 3))) {
        await new Promise((r) => setTimeout(r, 5)); // the failure happens while this waits
        out.push(n);
      }
    })()).rejects.toThrow('failed at 3');
    expect(out).toEqual([1, 2]);
  });

  it('closes the source when the consumer stops early', async () => {
    const log: string[] = [];
    for await (const n of readAhead(numbers(10, log))) if (n === 2) break;
    expect(log).toContain('closed');
    expect(log.filter((l) => l.startsWith('make')).length).toBeLessThanOrEqual(3);
  });
});
