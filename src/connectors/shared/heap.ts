import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined | null;

/** V8's full collection, exposed at run time (the same flag as `node --expose-gc`). */
function fullCollection(): (() => void) | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/**
 * Sinks that buffer large groups of rows (Parquet row groups) create garbage faster than V8's
 * heuristics return it: the heap grows to several times the live data before a full collection.
 * Called after such a group is written, this collects when the heap holds more than `budget`
 * bytes, which keeps the peak near the budget at the cost of a collection every few groups.
 */
export function relieveHeap(budget: number): void {
  if (getHeapStatistics().used_heap_size <= budget) return;
  fullCollection()?.();
}
