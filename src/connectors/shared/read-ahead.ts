/**
 * Starts pulling the next item from `source` as soon as the current one is handed out, so the
 * producer (a parser, a transform) runs while the consumer waits on I/O (a database finishing a
 * COPY). Holds at most one extra item. A failure of the item being pulled ahead surfaces when the
 * consumer asks for it, never as an unhandled rejection.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> | undefined = it.next();
  try {
    for (;;) {
      const current: IteratorResult<T> = await next;
      next = undefined;
      if (current.done) return;
      next = it.next();
      next.catch(() => undefined); // observed when awaited above
      yield current.value;
    }
  } finally {
    if (next) {
      // the consumer stopped early: let the pull in flight settle, then close the source
      await next.catch(() => undefined);
      await it.return?.();
    }
  }
}
