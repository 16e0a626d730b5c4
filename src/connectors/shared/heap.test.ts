import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HeapRelief } from './heap.js';

describe('HeapRelief', () => {
  it('collects garbage once the heap is over the budget, not before', () => {
    const relief = new HeapRelief(8 * 1024 * 1024);
    let garbage: unknown[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `row ${i}` }));
    expect(garbage).toHaveLength(200_000);
    garbage = undefined;
    const before = getHeapStatistics().used_heap_size;
    relief.relieve();
    expect(relief.collections).toBe(1);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before);
    new HeapRelief(Number.MAX_SAFE_INTEGER).relieve();
    const roomy = new HeapRelief(Number.MAX_SAFE_INTEGER);
    roomy.relieve();
    expect(roomy.collections).toBe(0);
  });

  it('with more live data than the budget, waits until the heap doubles before collecting again', () => {
    const relief = new HeapRelief(1024); // far below the live heap of any process
    relief.relieve();
    expect(relief.collections).toBe(1);
    const small = Array.from({ length: 1000 }, (_, i) => ({ i }));
    relief.relieve(); // a little more than the live heap, far from twice it
    expect(relief.collections).toBe(1);
    expect(small).toHaveLength(1000);
  });
});
