import { redact } from './redact';

/** Stable machine-readable codes of every error this package throws. */
export type AuthErrorCode =
  | 'TOKEN_ENDPOINT_ERROR'
  | 'CREDENTIALS_REJECTED'
  | 'INVALID_TOKEN_RESPONSE'
  | 'TOKEN_REQUEST_FAILED'
  | 'TOKEN_REQUEST_BUILD_FAILED'
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
  /** The class name, `'AuthError'` (each subclass sets its own, minifier-proof). */
  override name = 'AuthError';
  /** The stable machine-readable code: match on it rather than on the message. */
  declare readonly code: AuthErrorCode;

  /**
   * @param code - The stable code.
   * @param message - What happened and what to do; never a secret.
   * @param options - `cause`: the underlying error, when safe to keep.
   */
  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : options);
    this.code = code;
  }

  /**
   * `name`, `code`, `message`, then the subclass's own fields, for logs: never the raw
   * Response or the cause.
   */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, ...(this as object) };
  }
}

/** What a {@link TokenEndpointError} is built from: the token endpoint's answer, read. */
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
  /** The raw Response; kept non-enumerable on the error. */
  response?: Response;
}

/** The token endpoint answered with a non-2xx status. */
export class TokenEndpointError extends AuthError {
  /** `'TokenEndpointError'`. */
  override name = 'TokenEndpointError';
  /** HTTP status of the token endpoint's answer. */
  declare readonly status: number;
  /** OAuth2 `error` code, when the body carried one (e.g. `invalid_grant`). */
  declare readonly error: string | undefined;
  /** OAuth2 `error_description` (or the vendor's message field), when present. */
  declare readonly errorDescription: string | undefined;
  /** The vendor's body: parsed JSON when it was JSON, else the text (truncated, redacted). */
  declare readonly body: unknown;
  /** Seconds the server asked us to wait (`Retry-After`), when it said. */
  declare readonly retryAfterSeconds: number | undefined;
  /** The raw Response: not enumerable, so it stays out of JSON and most logs. */
  declare readonly response: Response | undefined;

  /**
   * @param message - What happened and what to do; never a secret.
   * @param details - The answer, read.
   * @param code - The stable code. @defaultValue `'TOKEN_ENDPOINT_ERROR'`
   */
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
  /** `'CredentialsRejectedError'`. */
  override name = 'CredentialsRejectedError';

  /**
   * @param message - What was refused and what to do; never a secret.
   * @param details - The answer, read.
   */
  constructor(message: string, details: TokenEndpointErrorDetails) {
    super(message, details, 'CREDENTIALS_REJECTED');
  }
}

/** The token endpoint said 2xx but its body is not a usable token response. */
export class InvalidTokenResponseError extends AuthError {
  /** `'InvalidTokenResponseError'`. */
  override name = 'InvalidTokenResponseError';
  /** The offending field, when one field is to blame. */
  declare readonly field: string | undefined;
  /** The raw Response (not enumerable), when there was one. */
  declare readonly response: Response | undefined;

  /**
   * @param message - What is wrong with the body; never a token.
   * @param details - `field` at fault and the raw `response`, when known.
   */
  constructor(message: string, { field, response }: { field?: string; response?: Response } = {}) {
    super('INVALID_TOKEN_RESPONSE', message);
    assignFields(this, { field, response });
  }
}

/**
 * The token request never got an answer: it failed on the way (network failure,
 * `TOKEN_REQUEST_FAILED`), its timeout fired (`TOKEN_REQUEST_TIMEOUT`), or it could not be
 * built (key import, signing, a grant step that threw before sending:
 * `TOKEN_REQUEST_BUILD_FAILED`, never retried).
 * `systemCode` is the operating system's or TLS layer's reason when the runtime gave one
 * (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`...).
 */
export class TokenRequestError extends AuthError {
  /** `'TokenRequestError'`. */
  override name = 'TokenRequestError';
  /** The operating system's or TLS layer's reason (`ECONNREFUSED`...), when the runtime gave one. */
  declare readonly systemCode: string | undefined;

  /**
   * @param code - `TOKEN_REQUEST_FAILED` (no answer), `TOKEN_REQUEST_TIMEOUT`, or
   * `TOKEN_REQUEST_BUILD_FAILED` (not sent: the request could not be built).
   * @param message - What failed and what to do; never a secret.
   * @param cause - The underlying error, with secrets masked.
   * @param systemCode - The system's reason, when known.
   */
  constructor(
    code: 'TOKEN_REQUEST_FAILED' | 'TOKEN_REQUEST_TIMEOUT' | 'TOKEN_REQUEST_BUILD_FAILED',
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
  /** `'InsecureTransportError'`. */
  override name = 'InsecureTransportError';

  /** @param message - Which URL was refused (origin only) and how to opt in. */
  constructor(message: string) {
    super('INSECURE_TRANSPORT', message);
  }
}

/** The options given to a factory are missing or contradictory. */
export class InvalidOptionsError extends AuthError {
  /** `'InvalidOptionsError'`. */
  override name = 'InvalidOptionsError';
  /** The option at fault, e.g. `clientSecret` or `auth.apiKey`. */
  declare readonly option: string;

  /**
   * @param option - The option at fault.
   * @param message - What is wrong and what to pass instead; never the value of a secret.
   */
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
 * the fetch implementation made of it. `unbuiltStep` names the grant step when the request
 * was never sent (it could not be built): a `TOKEN_REQUEST_BUILD_FAILED`.
 */
export function toSafeError(
  error: unknown,
  secrets: readonly string[],
  what: string,
  timedOut = false,
  unbuiltStep?: string,
): Error {
  if (error instanceof AuthError) return error;
  const cause = new Error(redact(messageOf(error), secrets));
  cause.name = error instanceof Error ? error.name : 'Error';
  if (unbuiltStep && !timedOut) {
    return new TokenRequestError(
      'TOKEN_REQUEST_BUILD_FAILED',
      `${what} could not be built: the strategy's ${unbuiltStep} step threw before sending (${cause.name}: ${cause.message}); nothing was sent. Check the credentials it signs or encodes (e.g. a private key) and the step itself.`,
      cause,
    );
  }
  const timeout = timedOut || cause.name === 'TimeoutError';
  const systemCode = timeout ? undefined : systemCodeOf(error);
  return new TokenRequestError(
    timeout ? 'TOKEN_REQUEST_TIMEOUT' : 'TOKEN_REQUEST_FAILED',
    `${what} ${timeout ? 'timed out' : 'failed'} (${cause.name}: ${cause.message}${systemCode ? `, ${systemCode}` : ''}); check the URL and network${timeout ? ', or raise timeoutMs' : ''}.`,
    cause,
    systemCode,
  );
}
