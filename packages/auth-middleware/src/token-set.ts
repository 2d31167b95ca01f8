/** The tokens a grant returned, with the expiry as an absolute instant. */
export interface TokenSet {
  /** The access token to put on requests. */
  readonly accessToken: string;
  /** The refresh token, when the grant issued one. */
  readonly refreshToken?: string;
  /** When the access token stops working, in epoch milliseconds; absent when unknown. */
  readonly expiresAt?: number;
  /** The token type, e.g. `Bearer`. */
  readonly tokenType?: string;
  /** When the token set was obtained, in epoch milliseconds (bounds the refresh skew). */
  readonly obtainedAt?: number;
  /** The granted scope, when the server says. */
  readonly scope?: string;
}

function toMs(seconds: number, what: string): number {
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  throw new RangeError(`${what} must be a non-negative number of seconds, got ${seconds}.`);
}

/**
 * Turns a relative lifetime in seconds (OAuth2 `expires_in`, as CloudLX and CloudCX send)
 * into an absolute expiry in epoch milliseconds, measured from `now`.
 */
export function expiresAtFromExpiresIn(expiresIn: number, now: number): number {
  return now + toMs(expiresIn, 'expires_in');
}

/**
 * Turns an absolute expiry in epoch seconds (Sensu's `expires_at`, a JWT's `exp`) into epoch
 * milliseconds on the local clock. The expiry was set by the server's clock, which may be
 * minutes off ours: given the token `response` and `now` (the local time), the lifetime is
 * measured against the response's `Date` header (`expires_at - serverNow`) and applied to
 * `now`. Without a usable `Date` header, the local clock is trusted.
 */
export function expiresAtFromEpochSeconds(
  epochSeconds: number,
  server?: { response: Response; now: number },
): number {
  const expiresAt = toMs(epochSeconds, 'expires_at');
  const serverNow = Date.parse(server?.response.headers.get('date') ?? '');
  return server && !Number.isNaN(serverNow) ? server.now + (expiresAt - serverNow) : expiresAt;
}
