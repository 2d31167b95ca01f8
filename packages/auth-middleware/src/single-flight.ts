/**
 * At most one call in flight per key: callers that arrive while one runs share its result
 * or its error. Nothing is cached afterwards, so a failure is retried by the next caller.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Promise<T>>();

  run(key: string, task: () => Promise<T>): Promise<T> {
    const running = this.#flights.get(key);
    if (running) return running;
    const flight = task().finally(() => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    });
    // Every waiter may have given up (aborted); the flight must not become an unhandled rejection.
    flight.catch(() => {});
    this.#flights.set(key, flight);
    return flight;
  }

  /** Whether a call for `key` is running now. */
  has(key: string): boolean {
    return this.#flights.has(key);
  }
}

/**
 * Waits for `promise`, unless `signal` aborts first: then rejects with the signal's reason.
 * The promise itself goes on (others may be waiting for it).
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined | null,
): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    // Nobody else may be listening: its later failure must not become an unhandled rejection.
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
