import type { TokenSet } from '@tokenwire/auth-middleware';

/** A value without a refresh token outlives its access token's expiry by this much in Redis. */
export const EXPIRY_MARGIN_MS = 60_000;
/** The shortest TTL a value gets (an already expired token is kept this long). */
const MIN_TTL_MS = 1_000;
/** The local copy is not trusted this close to the access token's expiry. */
export const NEAR_EXPIRY_MS = 60_000;
/** Inside that window the local copy is re-read from Redis at most this often. */
export const NEAR_EXPIRY_RECHECK_MS = 1_000;

/** How long values live in Redis. */
export interface TtlPolicy {
  /** A set with a refresh token: the refresh token outlives the access token. */
  readonly refreshTokenTtlMs: number;
  /** A set without a refresh token and without a known expiry. */
  readonly defaultTtlMs: number;
}

/**
 * The PX of a stored token set: with a refresh token, `refreshTokenTtlMs` (at least until the
 * access token expires); without one, the time left until `expiresAt` plus a margin; with no
 * known expiry, `defaultTtlMs`.
 */
export function redisTtlMs(tokens: TokenSet, now: number, policy: TtlPolicy): number {
  const left = tokens.expiresAt === undefined ? undefined : tokens.expiresAt - now;
  let ttl: number;
  if (tokens.refreshToken !== undefined) {
    ttl = Math.max(policy.refreshTokenTtlMs, (left ?? 0) + EXPIRY_MARGIN_MS);
  } else if (left !== undefined) {
    ttl = left + EXPIRY_MARGIN_MS;
  } else {
    ttl = policy.defaultTtlMs;
  }
  return Math.ceil(Math.max(MIN_TTL_MS, ttl));
}

/**
 * Until when (epoch ms) a local copy may answer `get` without asking Redis: never past the
 * value's own TTL in Redis, and no later than {@link NEAR_EXPIRY_MS} before the access token
 * expires (inside that window, for {@link NEAR_EXPIRY_RECHECK_MS} at a time), so the renewal
 * another process made is seen even if its invalidation message was missed.
 */
export function trustedUntil(
  tokens: TokenSet | undefined,
  now: number,
  redisTtl: number | undefined,
): number {
  let until = redisTtl !== undefined && redisTtl > 0 ? now + redisTtl : Number.POSITIVE_INFINITY;
  if (tokens?.expiresAt !== undefined) {
    const nearExpiry = tokens.expiresAt - NEAR_EXPIRY_MS;
    until = Math.min(until, nearExpiry > now ? nearExpiry : now + NEAR_EXPIRY_RECHECK_MS);
  }
  return until;
}
