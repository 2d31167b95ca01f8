import { redact } from './redact';

/** Stable machine-readable codes of every error this package throws. */
export type AuthErrorCode =
  | 'TOKEN_ENDPOINT_ERROR'
  | 'CREDENTIALS_REJECTED'
  | 'INVALID_TOKEN_RESPONSE'
  | 'TOKEN_REQUEST_FAILED'
  | 'TOKEN_REQUEST_TIMEOUT'
  | 'INSECURE_TRANSPORT'
  | 'INVALID_OPTIONS';

/**
 * Base class of every error this package throws. `code` is stable across versions; match on
 * it (or on the subclass) rather than on the message. Messages never contain a secret,
 * password, token or Authorization value.
 */
export class AuthError extends Error {
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** Hides the raw Response from enumeration, JSON and most loggers, but keeps it reachable. */
function keepResponse(target: object, response: Response | undefined): void {
  Object.defineProperty(target, 'response', {
    value: response,
    enumerable: false,
    writable: false,
  });
}

export interface TokenEndpointErrorDetails {
  /** HTTP status of the token endpoint's answer. */
  status: number;
  /** OAuth2 `error` code, when the body carried one. */
  error?: string;
  /** OAuth2 `error_description` (or the vendor's message field), when present. */
  errorDescription?: string;
  /** The vendor's body: parsed JSON when it was JSON, else the text (truncated, redacted). */
  body?: unknown;
  /** Seconds the server asked us to wait (`Retry-After`), when it said. */
  retryAfterSeconds?: number;
  response?: Response;
}

/** The token endpoint answered with a non-2xx status. */
export class TokenEndpointError extends AuthError {
  readonly status: number;
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  readonly body: unknown;
  readonly retryAfterSeconds: number | undefined;
  declare readonly response: Response | undefined;

  constructor(
    message: string,
    details: TokenEndpointErrorDetails,
    code: AuthErrorCode = 'TOKEN_ENDPOINT_ERROR',
  ) {
    super(code, message);
    this.status = details.status;
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.body = details.body;
    this.retryAfterSeconds = details.retryAfterSeconds;
    keepResponse(this, details.response);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      error: this.error,
      errorDescription: this.errorDescription,
      body: this.body,
      retryAfterSeconds: this.retryAfterSeconds,
    };
  }
}

/** The primary credentials (client secret, username/password) were refused. */
export class CredentialsRejectedError extends TokenEndpointError {
  constructor(message: string, details: TokenEndpointErrorDetails) {
    super(message, details, 'CREDENTIALS_REJECTED');
  }
}

/** The token endpoint said 2xx but its body is not a usable token response. */
export class InvalidTokenResponseError extends AuthError {
  /** The offending field, when one field is to blame. */
  readonly field: string | undefined;
  declare readonly response: Response | undefined;

  constructor(message: string, options: { field?: string; response?: Response } = {}) {
    super('INVALID_TOKEN_RESPONSE', message);
    this.field = options.field;
    keepResponse(this, options.response);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** The token request never got an answer (network failure or abort by timeout). */
export class TokenRequestError extends AuthError {
  constructor(
    code: 'TOKEN_REQUEST_FAILED' | 'TOKEN_REQUEST_TIMEOUT',
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { cause });
  }
}

/** Credentials would have gone over plain http to a host that is not loopback. */
export class InsecureTransportError extends AuthError {
  constructor(message: string) {
    super('INSECURE_TRANSPORT', message);
  }
}

/** The options given to a factory are missing or contradictory. */
export class InvalidOptionsError extends AuthError {
  /** The option at fault, e.g. `clientSecret` or `auth.apiKey`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super('INVALID_OPTIONS', message);
    this.option = option;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), option: this.option };
  }
}

/**
 * Turns anything a token request threw into an error that is safe to show: our own errors
 * pass through; anything else becomes a TokenRequestError whose message and cause have
 * every known secret masked (the original error and its own cause chain are dropped, as
 * they may quote the request). `timedOut` says the request's timeout signal fired, whatever
 * the fetch implementation made of it.
 */
export function toSafeError(
  error: unknown,
  secrets: readonly string[],
  what: string,
  timedOut = false,
): Error {
  if (error instanceof AuthError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const detail = redact(error instanceof Error ? error.message : String(error), secrets);
  const cause = new Error(detail);
  cause.name = name;
  if (timedOut || name === 'TimeoutError') {
    return new TokenRequestError(
      'TOKEN_REQUEST_TIMEOUT',
      `${what} timed out (${detail}). Check that the server is reachable, or raise timeoutMs.`,
      cause,
    );
  }
  return new TokenRequestError(
    'TOKEN_REQUEST_FAILED',
    `${what} failed before an answer arrived: ${name}: ${detail}. Check the URL and the network.`,
    cause,
  );
}
