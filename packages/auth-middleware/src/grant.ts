import type { TokenSet } from './token-set';

/** What a grant step gets from the token manager. */
export interface GrantContext {
  /** Aborts the token request on timeout. Pass it to fetch. */
  readonly signal: AbortSignal;
  /** The current time in epoch milliseconds (the injectable clock). */
  readonly now: number;
  /** Reports a tolerated oddity of the response through the manager's logger (no secrets). */
  warn(message: string): void;
  /**
   * Registers a secret this step made for this request (a signed assertion JWT, a nonce):
   * from now on it is masked, like `strategy.secrets`, in every error (message, body,
   * details), log line and hook event of the manager. The manager keeps the most recent 32
   * (older ones are forgotten, so the set stays bounded). Values shorter than 4 characters
   * are ignored, as by `redact`.
   */
  secret(value: string): void;
}

/**
 * One way of getting tokens, split like oauth4webapi: `request` sends and returns the raw
 * Response; `process` validates a 2xx Response and returns a typed TokenSet (or throws an
 * InvalidTokenResponseError naming the bad field). The token manager turns non-2xx answers
 * into TokenEndpointErrors between the two steps, so `process` only sees successes (any
 * 2xx, not only 200).
 *
 * What a step throws: an `AuthError` (e.g. an `InvalidTokenResponseError` or
 * `InvalidOptionsError` of its own) passes through unchanged. Anything else thrown before
 * the request went out (a key import's `DataError`, signing, a step that throws before
 * sending through {@link rawResponse}'s fetch) becomes a `TokenRequestError` with the code
 * `TOKEN_REQUEST_BUILD_FAILED`, its cause kept; once sent, a failure on the way is
 * `TOKEN_REQUEST_FAILED` (or `TOKEN_REQUEST_TIMEOUT`).
 */
export interface GrantStep<Input> {
  /** Sends the token request and resolves with the raw Response (any status). */
  request(input: Input, context: GrantContext): Promise<Response>;
  /** Validates a 2xx Response into a TokenSet, or throws an InvalidTokenResponseError. */
  process(response: Response, input: Input, context: GrantContext): Promise<TokenSet>;
}

/** How tokens are obtained and used for one API and one set of credentials. */
export interface GrantStrategy {
  /** A short name for logs and store keys, e.g. `cloudlx` or `sensu`. */
  readonly name: string;
  /**
   * Everything that identifies whose tokens these are (base URL, client id, username, the
   * secret itself...). Hashed into the store key, never stored or logged.
   */
  readonly identity: readonly string[];
  /** Values that must never appear in an error or log line (secrets, passwords). */
  readonly secrets: readonly string[];
  /** The token endpoint URLs: checked for plain http, and never intercepted. */
  readonly tokenUrls: readonly string[];
  /** Gets a fresh TokenSet with the primary credentials. */
  readonly acquire: GrantStep<void>;
  /** Gets a fresh TokenSet from the current one (its refresh token). Optional. */
  readonly refresh?: GrantStep<TokenSet>;
  /**
   * Whether a refresh failure means the refresh token itself is dead (invalid, expired,
   * revoked, reused), so the primary grant should be tried. Default: the endpoint answered
   * 400 or 401. A refresh answered 2xx without a usable token (InvalidTokenResponseError)
   * always falls back to the primary grant.
   */
  isRefreshRejected?(error: unknown): boolean;
  /**
   * Whether an acquire failure means the primary credentials are wrong (it then becomes a
   * CredentialsRejectedError). Default: the endpoint answered 401, or 400 with the OAuth2
   * error `invalid_client`, `invalid_grant` or `unauthorized_client` (or no OAuth2 error
   * at all). Other 400s (`invalid_request`, `unsupported_grant_type`...) stay
   * TokenEndpointErrors: the request was wrong, not the credentials.
   */
  isCredentialsRejected?(error: unknown): boolean;
  /** Puts the token on a request. Default: `Authorization: Bearer <access token>`. */
  authorize?(headers: Headers, tokens: TokenSet): void;
}
