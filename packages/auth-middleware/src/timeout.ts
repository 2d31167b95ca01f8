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
 * Per caller signal, the attempt controllers that follow it. Held weakly: an attempt whose
 * response was read (or dropped) is collected, so a long-lived caller signal (an app's
 * shutdown signal passed to every call) gathers neither listeners nor controllers.
 */
const followers = new WeakMap<AbortSignal, Set<WeakRef<AbortController>>>();
/** Dead entries are swept from a follower set once it grows past this. */
const SWEEP_AT = 32;

/**
 * Makes `controller` abort when `caller` does, for as long as the controller lives: after
 * the response headers too, so aborting the call still stops the body.
 */
function follow(caller: AbortSignal, controller: AbortController): void {
  let attempts = followers.get(caller);
  if (!attempts) {
    const linked = new Set<WeakRef<AbortController>>();
    attempts = linked;
    followers.set(caller, linked);
    caller.addEventListener(
      'abort',
      () => {
        for (const attempt of linked) attempt.deref()?.abort(caller.reason);
        linked.clear();
      },
      { once: true },
    );
  }
  if (attempts.size >= SWEEP_AT) {
    for (const attempt of attempts) if (!attempt.deref()) attempts.delete(attempt);
  }
  attempts.add(new WeakRef(controller));
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
  if (caller?.aborted) controller.abort(caller.reason);
  else if (caller) follow(caller, controller);
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          fired = true;
          controller.abort(new DOMException('The attempt timed out.', 'TimeoutError'));
        }, timeoutMs)
      : undefined;
  return {
    signal,
    timedOut: () => fired,
    race(promise) {
      if (signal.aborted) {
        // Too late to race: the attempt's own outcome is of no interest, nor unhandled.
        promise.catch(() => {});
        return Promise.reject(signal.reason);
      }
      const aborted = new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      return Promise.race([promise, aborted]);
    },
    done() {
      clearTimeout(timer);
    },
  };
}
