import type { AuthErrorCode } from './errors';

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
  readonly strategy: string;
  readonly key: string;
  readonly code: AuthErrorCode | 'UNAUTHORIZED';
  /** HTTP status involved, when there was one. */
  readonly status: number | undefined;
  /** The error's message (secret-free). */
  readonly message: string;
}

export interface AuthHooks {
  onTokenAcquired?(event: TokenEvent): void;
  onTokenRefreshed?(event: TokenEvent): void;
  onAuthError?(event: AuthErrorEvent): void;
}

/** A minimal logger (console fits). Receives messages and secret-free fields only. */
export interface AuthLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}
