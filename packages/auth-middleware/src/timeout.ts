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
  /** Stops the timer and the link to the caller's signal. Call it once the attempt is over. */
  done(): void;
}

/**
 * Links a new signal to `caller` and arms a `timeoutMs` timer on it (none when 0). Built on
 * `setTimeout`, not `AbortSignal.timeout`, so fake timers in tests drive it too.
 */
export function attemptSignal(
  caller: AbortSignal | null | undefined,
  timeoutMs: number,
): AttemptSignal {
  const controller = new AbortController();
  let fired = false;
  let rejectRace: ((reason: unknown) => void) | undefined;
  const abort = (reason: unknown) => {
    controller.abort(reason);
    rejectRace?.(reason);
  };
  const follow = () => abort(caller?.reason);
  if (caller?.aborted) follow();
  else caller?.addEventListener('abort', follow, { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          fired = true;
          abort(new DOMException('The attempt timed out.', 'TimeoutError'));
        }, timeoutMs)
      : undefined;
  return {
    signal: controller.signal,
    timedOut: () => fired,
    race(promise) {
      if (controller.signal.aborted) return Promise.reject(controller.signal.reason);
      const aborted = new Promise<never>((_resolve, reject) => {
        rejectRace = reject;
      });
      return Promise.race([promise, aborted]);
    },
    done() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', follow);
    },
  };
}
