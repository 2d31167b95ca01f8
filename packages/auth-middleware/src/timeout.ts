import { InvalidOptionsError } from './errors';

/** The default per-attempt timeout of API calls. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * A timeout option in ms: `undefined` gives `fallback`, `0` or `false` turns it off
 * (returns 0), anything else must be a non-negative finite number.
 */
export function timeoutOption(
  value: number | false | undefined,
  option: string,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (value === false) return 0;
  if (Number.isFinite(value) && value >= 0) return value;
  throw new InvalidOptionsError(
    option,
    `${option} must be a non-negative number of ms (0 or false for none), got ${value}.`,
  );
}

/** One attempt's signal: aborts when the caller's signal does, or when the timer fires. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** Whether the timer (not the caller) aborted it. */
  timedOut(): boolean;
  /**
   * `promise`, unless the attempt is aborted first: then rejects with the abort's reason.
   * Covers a fetch that ignores the signal it was given.
   */
  race<T>(promise: Promise<T>): Promise<T>;
  /**
   * Stops the timer once the response headers are in (the timeout bounds the wait for them).
   * The link to the caller's signal stays, so aborting the call still stops the body.
   */
  done(): void;
}

/**
 * A new signal that follows `caller` and aborts after `timeoutMs` (no timer when 0). Built
 * on `setTimeout`, not `AbortSignal.timeout`, so fake timers in tests drive it too.
 *
 * Every API call attempt makes one, so it is kept lean: one listener (on the caller's
 * signal), one timer, and a race that the abort rejects directly rather than through a
 * second listener on the attempt's own signal.
 */
export function attemptSignal(
  caller: AbortSignal | null | undefined,
  timeoutMs: number,
): AttemptSignal {
  const controller = new AbortController();
  const { signal } = controller;
  let fired = false;
  let rejectRace: ((reason: unknown) => void) | undefined;
  const abort = (reason: unknown) => {
    if (signal.aborted) return; // the first cause wins
    controller.abort(reason);
    rejectRace?.(reason);
  };
  // Kept after the headers are in, so aborting the call still stops the body. The caller's
  // signal is the Request's own (one per call), so the listener goes with the call.
  if (caller?.aborted) abort(caller.reason);
  else caller?.addEventListener('abort', () => abort(caller.reason), { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          fired = !signal.aborted;
          abort(new DOMException('The attempt timed out.', 'TimeoutError'));
        }, timeoutMs)
      : undefined;
  return {
    signal,
    timedOut: () => fired,
    race(promise) {
      if (!signal.aborted) {
        return new Promise((resolve, reject) => {
          rejectRace = reject;
          promise.then(resolve, reject);
        });
      }
      promise.catch(() => {}); // it goes on unwatched; its failure is nobody's
      return Promise.reject(signal.reason);
    },
    done() {
      clearTimeout(timer);
      rejectRace = undefined;
    },
  };
}
