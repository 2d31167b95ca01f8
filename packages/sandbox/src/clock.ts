/**
 * Where the sandbox reads the time from: milliseconds since the Unix epoch. Token expiry,
 * Sensu JWT `exp` claims and session lifetimes all use it, so a test can inject a clock
 * and expire a token without sleeping.
 */
export interface Clock {
  /** The current time, in milliseconds since the Unix epoch. */
  now(): number;
}

/** The clock of the machine (`Date.now()`): the default. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the clock to `ms` milliseconds since the epoch. */
  set(ms: number): void;
}

/** A clock for tests; starts at `startMs` (default 2026-01-01T00:00:00Z). */
export function createManualClock(startMs: number = Date.UTC(2026, 0, 1)): ManualClock {
  let now = startMs;
  return {
    now: () => now,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`advance() needs a finite, non-negative number of ms; got ${ms}.`);
      }
      now += ms;
    },
    set(ms) {
      if (!Number.isFinite(ms))
        throw new RangeError(`set() needs a finite number of ms; got ${ms}.`);
      now = ms;
    },
  };
}

/** The largest server clock offset, either way: 366 days. */
export const maxClockOffsetMs = 366 * 24 * 60 * 60 * 1000;

/**
 * Checks a server clock offset (milliseconds added to the clock, negative for a server
 * that runs behind). `name` is the field or flag the value came from, for the message.
 */
export function checkClockOffset(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > maxClockOffsetMs) {
    throw new RangeError(
      `${name} must be an integer number of milliseconds from -${maxClockOffsetMs} to ${maxClockOffsetMs} (366 days either way), e.g. -300000 for 5 minutes behind; got ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return value;
}

/** An instant as an HTTP `Date` / `Retry-After` value (IMF-fixdate, RFC 9110 §5.6.7). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
