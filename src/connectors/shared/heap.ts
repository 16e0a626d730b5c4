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
 * `relieve()`, called after such a group is written, collects when the heap holds more than the
 * budget. When the live data itself is large (a dedupe's keys), the limit becomes twice the live
 * data, so a big but legitimate heap is not collected over and over.
 */
export class HeapRelief {
  private limit: number;
  /** how many full collections it ran. */
  collections = 0;

  constructor(private readonly budget: number) {
    this.limit = budget;
  }

  relieve(): void {
    if (getHeapStatistics().used_heap_size <= this.limit) return;
    const collect = fullCollection();
    if (!collect) return;
    collect();
    this.collections++;
    this.limit = Math.max(this.budget, 2 * getHeapStatistics().used_heap_size);
  }
}
