/**
 * At most one call in flight per key: callers that arrive while one runs share its result
 * or its error. Nothing is cached afterwards, so a failure is retried by the next caller.
 * `has(key)` says whether a call for `key` is running now.
 */
export class SingleFlight<T> extends Map<string, Promise<T>> {
  run(key: string, task: () => Promise<T>): Promise<T> {
    const running = this.get(key);
    if (running) return running;
    const flight = task().finally(() => {
      if (this.get(key) === flight) this.delete(key);
    });
    // Every waiter may have given up (aborted); the flight must not become an unhandled rejection.
    flight.catch(() => {});
    this.set(key, flight);
    return flight;
  }
}

/**
 * Waits for `promise`, unless `signal` aborts first: then rejects with the signal's reason.
 * The promise itself goes on (others may be waiting for it), and never becomes an unhandled
 * rejection here.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined | null,
): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
