import type { AuthErrorCode } from './errors';
import type { RetryEvent } from './retry';

/** Fired after a token endpoint call. Carries no token, secret or header value. */
export interface TokenEvent {
  /** The strategy's name, e.g. `cloudlx`. */
  readonly strategy: string;
  /** The store key (a hash; reveals no secret). */
  readonly key: string;
  /** How the token was obtained. */
  readonly grant: 'acquire' | 'refresh';
  /** Expiry of the new access token in epoch milliseconds, when known. */
  readonly expiresAt: number | undefined;
  /** Whether the response carried a new refresh token. */
  readonly refreshTokenIssued: boolean;
}

/** Fired when getting or using a token failed. */
export interface AuthErrorEvent {
  /** The strategy's name, e.g. `cloudlx`. */
  readonly strategy: string;
  /** The store key (a hash; reveals no secret). */
  readonly key: string;
  /** The error's code, or `UNAUTHORIZED` for an API call's 401 (before its replay). */
  readonly code: AuthErrorCode | 'UNAUTHORIZED';
  /** HTTP status involved, when there was one. */
  readonly status: number | undefined;
  /** The error's message (secret-free). */
  readonly message: string;
}

/**
 * Callbacks for metrics and tracing. Every event is secret-free; a hook that throws or
 * rejects never breaks the request.
 */
export interface AuthHooks {
  /** After the primary grant issued tokens. */
  onTokenAcquired?(event: TokenEvent): void;
  /** After a refresh issued tokens. */
  onTokenRefreshed?(event: TokenEvent): void;
  /** When getting or using a token failed (a refusal, a timeout, an API call's 401...). */
  onAuthError?(event: AuthErrorEvent): void;
  /** Before each retry of a token request or an API call, with the wait it is about to make. */
  onRetry?(event: RetryEvent): void;
}

/** A minimal logger (console fits). Receives messages and secret-free fields only. */
export interface AuthLogger {
  /** Token calls and store decisions, in detail. */
  debug?(message: string, fields?: Record<string, unknown>): void;
  /** Token calls made, retries. */
  info?(message: string, fields?: Record<string, unknown>): void;
  /** Refusals and fallbacks that were handled. */
  warn?(message: string, fields?: Record<string, unknown>): void;
  /** Failures handed back to the caller. */
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** A hook or logger that throws (or rejects) must not break the request that triggered it. */
export function safely(effect: () => unknown): void {
  try {
    Promise.resolve(effect()).catch(() => {});
  } catch {
    // Observability is best-effort.
  }
}

/** One `tokenwire: ...` line to the logger, if it has that level; never throws. */
export function logLine(
  logger: AuthLogger | undefined,
  level: keyof AuthLogger,
  message: string,
  fields: Record<string, unknown>,
): void {
  safely(() => logger?.[level]?.(`tokenwire: ${message}`, fields));
}

/** Tells the `onRetry` hook and the logger (at `info`) about a retry. */
export function announceRetry(
  event: RetryEvent,
  hooks: AuthHooks | undefined,
  logger: AuthLogger | undefined,
): void {
  safely(() => hooks?.onRetry?.(event));
  const { attempt, maxRetries, delayMs, status, code, request, strategy } = event;
  logLine(
    logger,
    'info',
    `retrying ${request} in ${delayMs} ms after ${status === undefined ? code : `HTTP ${status}`} (retry ${attempt} of ${maxRetries})`,
    { strategy, attempt, delayMs, status, code },
  );
}
