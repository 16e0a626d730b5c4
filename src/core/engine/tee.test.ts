import { describe, it, expect } from 'vitest';
import { Tee } from './tee.js';

async function* count(n: number, pulled: { n: number }): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    pulled.n++;
    yield i;
  }
}

describe('Tee', () => {
  it('gives every consumer every item, and the slowest sets the pace (bounded buffer)', async () => {
    const pulled = { n: 0 };
    const tee = new Tee(count(50, pulled), 2, 4);
    const fast: number[] = [];
    const slow: number[] = [];
    let maxAhead = 0;
    await Promise.all([
      (async () => { for await (const v of tee.branch(0)) { fast.push(v); maxAhead = Math.max(maxAhead, pulled.n - slow.length); } })(),
      (async () => { for await (const v of tee.branch(1)) { await new Promise((r) => setTimeout(r, 1)); slow.push(v); } })(),
    ]);
    expect(fast).toEqual([...Array(50).keys()]);
    expect(slow).toEqual(fast);
    expect(maxAhead).toBeLessThanOrEqual(5);
  });

  it('passes an upstream error to every consumer, and a consumer that leaves does not block the others', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('upstream broke');
    }
    const tee = new Tee(failing(), 2);
    const results = await Promise.allSettled([0, 1].map(async (i) => { for await (const _ of tee.branch(i)) { /* drain */ } }));
    expect(results.map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(['upstream broke', 'upstream broke']);

    const tee2 = new Tee(count(20, { n: 0 }), 2, 2);
    const got: number[] = [];
    await Promise.all([
      (async () => { for await (const v of tee2.branch(0)) if (v === 1) break; })(),
      (async () => { for await (const v of tee2.branch(1)) got.push(v); })(),
    ]);
    expect(got).toHaveLength(20);
  });

  it('wakes waiting consumers with the abort reason', async () => {
    const ac = new AbortController();
    async function* never(): AsyncGenerator<number> {
      yield 1;
      await new Promise(() => {});
    }
    const tee = new Tee(never(), 2, 1, ac.signal);
    const p = (async () => { for await (const _ of tee.branch(0)) { /* waits on the slow branch */ } })();
    setTimeout(() => ac.abort(new Error('stop')), 10);
    await expect(p).rejects.toThrow('stop');
  });
});

describe('Tee abort while pulling', () => {
  it('does not wait for an upstream pull that never ends', async () => {
    const ac = new AbortController();
    const stuck: AsyncIterator<number> = { next: () => new Promise(() => {}) };
    const tee = new Tee(stuck, 2, 4, ac.signal);
    const p = (async () => { for await (const _ of tee.branch(0)) { /* never gets one */ } })();
    setTimeout(() => ac.abort(new Error('stop')), 10);
    await expect(p).rejects.toThrow('stop');
  });
});
