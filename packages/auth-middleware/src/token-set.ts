import { InvalidTokenResponseError } from './errors';

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
  return onLocalClock(toMs(epochSeconds, 'expires_at'), server);
}

/** An instant set by the server's clock, moved onto ours through the response's `Date`. */
function onLocalClock(expiresAt: number, server?: { response: Response; now: number }): number {
  const serverNow = Date.parse(server?.response.headers.get('date') ?? '');
  return server && !Number.isNaN(serverNow) ? server.now + (expiresAt - serverNow) : expiresAt;
}

/** An ISO 8601 date-time with a time zone: `2026-01-02T03:04:05Z`, `...05.123+01:00`. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * Turns an absolute expiry written as an ISO 8601 date-time with a time zone (`Z` or an
 * offset), as a GitHub-App installation token's `expires_at: "2026-01-02T03:04:05Z"`, into
 * epoch milliseconds on the local clock, corrected for the server's clock like
 * {@link expiresAtFromEpochSeconds} (given `server`, the lifetime is measured against the
 * response's `Date` header and applied to `now`).
 *
 * A token whose response gives no expiry at all has none: it is used until the API refuses
 * it (401), then renewed and the call replayed once, unless the manager's
 * `defaultLifetimeMs` gives it a lifetime.
 *
 * @param value - The field's value, as read from the body.
 * @param field - The field's name, for the error (e.g. `expires_at`).
 * @param server - The token `response` and `now` (the local time), to correct for the server's clock.
 * @throws InvalidTokenResponseError naming `field` when `value` is not a string, has no time
 * zone, or is not a date.
 */
export function expiresAtFromIsoTimestamp(
  value: unknown,
  field: string,
  server?: { response: Response; now: number },
): number {
  const text = typeof value === 'string' ? value.trim() : '';
  const expiresAt = ISO_DATE_TIME.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(expiresAt)) {
    const what =
      value === undefined
        ? 'missing'
        : typeof value !== 'string'
          ? value === null
            ? 'null'
            : `a ${typeof value}`
          : ISO_DATE_TIME.test(`${text}Z`)
            ? 'a date-time without a time zone'
            : 'not an ISO 8601 date-time';
    throw new InvalidTokenResponseError(
      `The token response field "${field}" is ${what}; expected an ISO 8601 date-time with a time zone, e.g. 2026-01-02T03:04:05Z.`,
      { field, ...(server ? { response: server.response } : {}) },
    );
  }
  return onLocalClock(expiresAt, server);
}
