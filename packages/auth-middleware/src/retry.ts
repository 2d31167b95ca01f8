import { InvalidOptionsError } from './errors';

/** How transient failures are retried. Every field is optional; each names its default. */
export interface RetryOptions {
  /** Retries after the first attempt (not counting the one 401 replay). Default 2. */
  maxRetries?: number;
  /** The backoff before the first retry; it doubles for each one after. Default 500 ms. */
  initialDelayMs?: number;
  /** The longest backoff between two attempts. Default 8 000 ms. */
  maxDelayMs?: number;
  /**
   * The longest `Retry-After` / `retry-after-ms` wait honoured. A server that asks for more
   * gets its answer handed back at once (API calls) or a TokenEndpointError carrying
   * `retryAfterSeconds` (token requests). Default 60 000 ms.
   */
  maxRetryAfterMs?: number;
  /**
   * The API methods retried. Default the idempotent ones: GET, HEAD, OPTIONS, PUT, DELETE.
   * Add `POST` only for calls the server deduplicates (e.g. with an idempotency key).
   * Token requests are always retried. (A refresh retried after a dropped connection may
   * present a refresh token the server had already rotated; it then refuses it, and the
   * manager falls back to the primary grant.)
   */
  methods?: readonly string[];
  /** The HTTP statuses retried. Default 408, 429, 500, 502, 503, 504. */
  statuses?: readonly number[];
  /** Waits `ms`; resolves early never, rejects when `signal` aborts. Inject it in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
}

/** {@link RetryOptions} with every default filled in. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly methods: ReadonlySet<string>;
  readonly statuses: ReadonlySet<number>;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
}

/** What the `onRetry` hook and the logger learn about each retry. Carries no secret. */
export interface RetryEvent {
  /** The strategy's name (e.g. `cloudlx`); undefined for fixed credentials (API keys). */
  readonly strategy: string | undefined;
  /** `token` for a token request, `api` for an API call. */
  readonly target: 'token' | 'api';
  /** The retry about to be made: 1 for the first. */
  readonly attempt: number;
  /** The retries allowed for this call or token request. */
  readonly maxRetries: number;
  /** The wait before it, in ms. */
  readonly delayMs: number;
  /** The status that caused it, when the server answered. */
  readonly status: number | undefined;
  /** The error code that caused it (`CONNECTION_FAILED`, `REQUEST_TIMEOUT`...), when it did not. */
  readonly code: string | undefined;
  /** `GET /api/users` for an API call (path only, never the query); `cloudlx token request` or `cloudlx token refresh` for token requests. */
  readonly request: string;
}

/** The API methods retried by default: those a repeated request cannot harm. */
export const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] as const;
/** The statuses retried by default: timeouts, rate limits and passing server failures. */
export const TRANSIENT_STATUSES = [408, 429, 500, 502, 503, 504] as const;

/**
 * The request header that sets retries for one call, stripped before the request is sent:
 * `false` or `0` turns them off, `true` allows them whatever the method, a whole number
 * sets `maxRetries` for this call (and allows any method). `true` or a number turns them
 * on for this call even when the client has `retry: false` (with the default backoff).
 */
export const RETRY_HEADER = 'tokenwire-retry';

/** Waits `ms` on a timer; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function count(value: number | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isInteger(value) && value >= 0) return value;
  throw new InvalidOptionsError(
    `retry.${option}`,
    `retry.${option} must be a whole number of 0 or more, got ${value}.`,
  );
}

/** Checks retry options and fills in the defaults; `false` turns retries off (undefined). */
export function resolveRetry(options: RetryOptions | false | undefined): RetryPolicy | undefined {
  if (options === false) return undefined;
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidOptionsError(
      'retry',
      'retry must be an object such as { maxRetries: 2 }, or false to turn retries off.',
    );
  }
  const {
    maxRetries,
    initialDelayMs,
    maxDelayMs,
    maxRetryAfterMs,
    methods = IDEMPOTENT_METHODS,
    statuses = TRANSIENT_STATUSES,
    sleep: sleepOption = sleep,
    random = Math.random,
  } = options ?? {};
  if (!Array.isArray(methods) || !methods.every((method) => typeof method === 'string')) {
    throw new InvalidOptionsError(
      'retry.methods',
      `retry.methods must be an array of HTTP methods such as ['GET', 'PUT'].`,
    );
  }
  if (!Array.isArray(statuses) || !statuses.every((status) => Number.isInteger(status))) {
    throw new InvalidOptionsError(
      'retry.statuses',
      'retry.statuses must be an array of HTTP statuses such as [429, 503].',
    );
  }
  return {
    maxRetries: count(maxRetries, 'maxRetries', 2),
    initialDelayMs: count(initialDelayMs, 'initialDelayMs', 500),
    maxDelayMs: count(maxDelayMs, 'maxDelayMs', 8_000),
    maxRetryAfterMs: count(maxRetryAfterMs, 'maxRetryAfterMs', 60_000),
    methods: new Set(methods.map((method) => method.toUpperCase())),
    statuses: new Set(statuses),
    sleep: sleepOption,
    random,
  };
}

/**
 * How long the server asked to wait, in ms: `retry-after-ms` (milliseconds, as OpenAI and
 * Azure send), else `Retry-After` as seconds or as an HTTP date. The date was written by the
 * server's clock, so it is measured against the answer's own `Date` header when there is
 * one (a server minutes off ours still gets the wait it meant), else against `now`.
 * Undefined when neither header is usable.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  const serverNow = Date.parse(headers.get('date') ?? '');
  return Math.max(0, date - (Number.isNaN(serverNow) ? now : serverNow));
}

/**
 * The wait before retry number `retry` (0 for the first): what the server asked for when it
 * said (undefined when that is above the cap: do not retry), else a jittered exponential
 * backoff (each wait drawn between 0.75× and 1× of initialDelayMs × 2^retry, capped at
 * maxDelayMs), so a fleet that failed together does not retry together.
 */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  asked: number | undefined,
): number | undefined {
  if (asked !== undefined) return asked <= policy.maxRetryAfterMs ? asked : undefined;
  const backoff = Math.min(policy.initialDelayMs * 2 ** retry, policy.maxDelayMs);
  return Math.ceil(backoff * (1 - policy.random() * 0.25));
}
