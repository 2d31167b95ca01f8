import { InvalidOptionsError } from './errors';
import { abortable } from './single-flight';

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
 */
export function attemptSignal(
  caller: AbortSignal | null | undefined,
  timeoutMs: number,
): AttemptSignal {
  const controller = new AbortController();
  const { signal } = controller;
  let fired = false;
  // Kept after the headers are in, so aborting the call still stops the body. The caller's
  // signal is the Request's own (one per call), so the listener goes with the call.
  if (caller?.aborted) controller.abort(caller.reason);
  else caller?.addEventListener('abort', () => controller.abort(caller.reason), { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          if (signal.aborted) return; // the caller was first
          fired = true;
          controller.abort(new DOMException('The attempt timed out.', 'TimeoutError'));
        }, timeoutMs)
      : undefined;
  return {
    signal,
    timedOut: () => fired,
    race: (promise) => abortable(promise, signal),
    done() {
      clearTimeout(timer);
    },
  };
}
