import { sleep } from '../../core/engine/retry.js';

/**
 * Rate limit as a token bucket holding one token: at most one request every 1/rps seconds, no
 * bursts (APIs often count over short windows). Slots are reserved synchronously, so concurrent
 * callers queue in order.
 */
export class RateLimiter {
  private next = 0;
  private readonly interval_ms: number;

  constructor(requests_per_second: number | undefined) {
    this.interval_ms = requests_per_second === undefined ? 0 : 1000 / requests_per_second;
  }

  async take(signal: AbortSignal): Promise<void> {
    if (this.interval_ms === 0) return;
    const now = performance.now();
    const at = Math.max(now, this.next);
    this.next = at + this.interval_ms;
    if (at > now) await sleep(Math.ceil(at - now), signal);
  }
}

/** Counts requests in flight; `acquire` waits for a free slot. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }
}
