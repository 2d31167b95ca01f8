import { redact } from './redact';

/** Stable machine-readable codes of every error this package throws. */
export type AuthErrorCode =
  | 'TOKEN_ENDPOINT_ERROR'
  | 'CREDENTIALS_REJECTED'
  | 'INVALID_TOKEN_RESPONSE'
  | 'TOKEN_REQUEST_FAILED'
  | 'TOKEN_REQUEST_TIMEOUT'
  | 'INSECURE_TRANSPORT'
  | 'INVALID_OPTIONS'
  | 'CONNECTION_FAILED'
  | 'REQUEST_TIMEOUT'
  | 'REQUEST_ABORTED'
  | 'INVALID_RESPONSE_BODY';

/** The message of anything thrown. */
export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * The reason the operating system or the TLS layer gave for a failed connection, found in the
 * error's cause chain: Node's fetch throws `TypeError: fetch failed` whose cause carries
 * `code: 'ECONNREFUSED'` (or `ENOTFOUND`, `ECONNRESET`, `CERT_HAS_EXPIRED`...); Bun puts a
 * `code` on the error itself. Undefined when the runtime said nothing more.
 */
export function systemCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Object; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && code && !(current instanceof AuthError)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Copies `fields` onto `target`, all but `response`, which stays reachable but hidden from
 * enumeration, JSON and most loggers (not enumerable, not writable, not configurable).
 */
export const assignFields = (
  target: object,
  { response, ...fields }: { response?: Response | undefined; [field: string]: unknown },
) => {
  Object.defineProperty(Object.assign(target, fields), 'response', { value: response });
};

/**
 * Base class of every error this package throws. `code` is stable across versions; match on
 * it (or on the subclass) rather than on the message. Messages never contain a secret,
 * password, token or Authorization value.
 */
export class AuthError extends Error {
  // Each class names itself with a literal, so minified bundles keep the names.
  override name = 'AuthError';
  declare readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : options);
    this.code = code;
  }

  // name, code, message, then the subclass's own fields (never the raw Response or cause).
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, ...(this as object) };
  }
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
  override name = 'TokenEndpointError';
  declare readonly status: number;
  declare readonly error: string | undefined;
  declare readonly errorDescription: string | undefined;
  declare readonly body: unknown;
  declare readonly retryAfterSeconds: number | undefined;
  declare readonly response: Response | undefined;

  constructor(
    message: string,
    details: TokenEndpointErrorDetails,
    code: AuthErrorCode = 'TOKEN_ENDPOINT_ERROR',
  ) {
    super(code, message);
    // Only the known fields: a caller may pass another error spread into details.
    const { status, error, errorDescription, body, retryAfterSeconds, response } = details;
    assignFields(this, { status, error, errorDescription, body, retryAfterSeconds, response });
  }
}

/** The primary credentials (client secret, username/password) were refused. */
export class CredentialsRejectedError extends TokenEndpointError {
  override name = 'CredentialsRejectedError';

  constructor(message: string, details: TokenEndpointErrorDetails) {
    super(message, details, 'CREDENTIALS_REJECTED');
  }
}

/** The token endpoint said 2xx but its body is not a usable token response. */
export class InvalidTokenResponseError extends AuthError {
  override name = 'InvalidTokenResponseError';
  /** The offending field, when one field is to blame. */
  declare readonly field: string | undefined;
  declare readonly response: Response | undefined;

  constructor(message: string, { field, response }: { field?: string; response?: Response } = {}) {
    super('INVALID_TOKEN_RESPONSE', message);
    assignFields(this, { field, response });
  }
}

/**
 * The token request never got an answer (network failure, or its timeout fired).
 * `systemCode` is the operating system's or TLS layer's reason when the runtime gave one
 * (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`...).
 */
export class TokenRequestError extends AuthError {
  override name = 'TokenRequestError';
  declare readonly systemCode: string | undefined;

  constructor(
    code: 'TOKEN_REQUEST_FAILED' | 'TOKEN_REQUEST_TIMEOUT',
    message: string,
    cause?: unknown,
    systemCode?: string,
  ) {
    super(code, message, { cause });
    this.systemCode = systemCode;
  }
}

/** Credentials would have gone over plain http to a host that is not loopback. */
export class InsecureTransportError extends AuthError {
  override name = 'InsecureTransportError';

  constructor(message: string) {
    super('INSECURE_TRANSPORT', message);
  }
}

/** The options given to a factory are missing or contradictory. */
export class InvalidOptionsError extends AuthError {
  override name = 'InvalidOptionsError';
  /** The option at fault, e.g. `clientSecret` or `auth.apiKey`. */
  declare readonly option: string;

  constructor(option: string, message: string) {
    super('INVALID_OPTIONS', message);
    this.option = option;
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
  const cause = new Error(redact(messageOf(error), secrets));
  cause.name = error instanceof Error ? error.name : 'Error';
  const timeout = timedOut || cause.name === 'TimeoutError';
  const systemCode = timeout ? undefined : systemCodeOf(error);
  return new TokenRequestError(
    timeout ? 'TOKEN_REQUEST_TIMEOUT' : 'TOKEN_REQUEST_FAILED',
    `${what} ${timeout ? 'timed out' : 'failed'} (${cause.name}: ${cause.message}${systemCode ? `, ${systemCode}` : ''}); check the URL and network${timeout ? ', or raise timeoutMs' : ''}.`,
    cause,
    systemCode,
  );
}
