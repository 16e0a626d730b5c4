/**
 * Fan-out of one async iterator to N consumers with backpressure: each consumer pulls at its own
 * pace, the buffer holds at most `limit` items beyond the slowest one, so the slowest sets the
 * pace. An upstream error (or an abort) reaches every consumer.
 */
export class Tee<T> {
  private buf: T[] = [];
  /** absolute index of buf[0]. */
  private base = 0;
  private readonly pos: number[];
  private readonly active: boolean[];
  private done = false;
  private failed: { error: unknown } | undefined;
  private pulling: Promise<void> | undefined;
  private waiters: (() => void)[] = [];
  private onFailed: () => void = () => {};
  /** resolves on the first failure, so nobody keeps waiting on a pull that may never end. */
  private readonly failedSignal = new Promise<void>((r) => (this.onFailed = r));

  constructor(
    private readonly src: AsyncIterator<T>,
    n: number,
    private readonly limit = 4,
    signal?: AbortSignal,
  ) {
    this.pos = new Array<number>(n).fill(0);
    this.active = new Array<boolean>(n).fill(true);
    signal?.addEventListener('abort', () => this.fail(signal.reason), { once: true });
  }

  /** The i-th consumer's view. Leaving early (return/throw in for-await) detaches it. */
  branch(i: number): AsyncIterable<T> {
    const iterator: AsyncIterator<T> = {
      next: () => this.next(i),
      return: async () => {
        this.close(i);
        return { done: true, value: undefined };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }

  private async next(i: number): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.failed) throw this.failed.error;
      if (!this.active[i]) return { done: true, value: undefined };
      const p = this.pos[i]!;
      if (p < this.base + this.buf.length) {
        const value = this.buf[p - this.base]!;
        this.pos[i] = p + 1;
        this.trim();
        return { done: false, value };
      }
      if (this.done) return { done: true, value: undefined };
      if (this.buf.length >= this.limit && !this.pulling) {
        await new Promise<void>((r) => this.waiters.push(r));
        continue;
      }
      const pulling = this.pulling ?? this.pull();
      this.pulling = pulling;
      await Promise.race([pulling, this.failedSignal]);
      if (this.pulling === pulling) this.pulling = undefined;
    }
  }

  private async pull(): Promise<void> {
    try {
      const r = await this.src.next();
      if (r.done) this.done = true;
      else this.buf.push(r.value);
    } catch (error) {
      this.fail(error);
    }
    this.wake();
  }

  private fail(error: unknown): void {
    if (!this.failed) this.failed = { error };
    this.onFailed();
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  /** Drops items every active consumer has seen. */
  private trim(): void {
    let min = Infinity;
    for (let i = 0; i < this.pos.length; i++) if (this.active[i]) min = Math.min(min, this.pos[i]!);
    if (min === Infinity) min = this.base + this.buf.length;
    const drop = min - this.base;
    if (drop <= 0) return;
    this.buf.splice(0, drop);
    this.base = min;
    this.wake();
  }

  /** Detaches consumer i (it failed or stopped early). */
  close(i: number): void {
    if (!this.active[i]) return;
    this.active[i] = false;
    this.trim();
  }
}
