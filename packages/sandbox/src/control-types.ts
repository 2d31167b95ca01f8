import type { AdvertisedLifetime } from './advertised-lifetime';
import type { CorsOrigins, CorsSetting } from './cors';
import type { ActiveFault, FaultInput } from './faults';
import type { TokenLifetimes, Vendor } from './options';

/** What the counters count. Every number starts at 0 and only `resetCounters()` lowers it. */
export interface SandboxCounters {
  /** Successful primary grants: client credentials, password grant, Sensu `GET /auth`. */
  primaryGrants: number;
  /** Successful refreshes. */
  refreshes: number;
  /** 401 answers from any vendor route. */
  unauthorized: number;
  /**
   * Refresh tokens presented again after rotation: CloudLX answers 400, Sensu deletes the
   * session and answers 400. (CloudCX reuses refresh tokens, so never counts here.)
   */
  reuseDetections: number;
  /** CloudLX only: requests whose `Accept` lacks `application/vnd.cloudlx.v1+json`. */
  missingVendorAccept: number;
  /** Every request to a token endpoint, whatever the outcome. */
  tokenRequests: number;
  /** Requests answered (or delayed, or left hanging) by an injected fault. */
  faultsServed: number;
}

/** Tokens and sessions a sandbox would still accept, counted when asked. */
export interface LiveTokenCounts {
  /** Access tokens issued and neither expired nor revoked. */
  accessTokens: number;
  /** Refresh tokens that would still be accepted (Sensu: one per live session). */
  refreshTokens: number;
  /** Sensu sessions still alive (0 on the other vendors). */
  sessions: number;
}

/** The vendor-specific token store behind the control API. */
export interface TokenLedger {
  /** Revokes every access token; returns how many were still live. */
  revokeAccessTokens(): number;
  /** Revokes every refresh token (Sensu: session); returns how many were still live. */
  revokeRefreshTokens(): number;
  /** The tokens and sessions still live. */
  counts(): LiveTokenCounts;
  /** Forgets every token and session. */
  clear(): void;
}

/** The server's clock: the injected (or system) clock plus an offset. */
export interface SandboxClockState {
  /** Milliseconds added to the clock; negative for a server running behind. */
  offsetMs: number;
  /** The server's "now", ms since the epoch (what the `Date` header shows). */
  nowMs: number;
  /** The same instant as an ISO 8601 string. */
  now: string;
}

/** Everything `GET /__sandbox/` shows (never a credential). */
export interface SandboxState {
  /** Which vendor this sandbox stands in for. */
  vendor: Vendor;
  /** The counters, as {@link SandboxControl.counters} returns them. */
  counters: SandboxCounters;
  /** True while every resource request answers the vendor's 401. */
  resourcesUnauthorized: boolean;
  /** The faults still queued, in the order they apply. */
  faults: ActiveFault[];
  /** The tokens and sessions that would still be accepted. */
  tokens: LiveTokenCounts;
  /** The lifetimes of tokens issued from now on. */
  lifetimes: TokenLifetimes;
  /** How token responses advertise the access token's lifetime. */
  advertisedLifetime: AdvertisedLifetime;
  /** The server's clock and its offset. */
  clock: SandboxClockState;
  /** The browser origins admitted: `false` (CORS off), `'*'` or a list. */
  cors: CorsOrigins;
}

/**
 * Inspection and control of one sandbox, the same operations as its `/__sandbox/` routes.
 * Nothing here is part of the vendor API.
 */
export interface SandboxControl {
  /** Which vendor this sandbox stands in for. */
  readonly vendor: Vendor;
  /** A copy of the counters. */
  counters(): SandboxCounters;
  /** Sets every counter back to 0. */
  resetCounters(): void;
  /**
   * Revokes every access token issued so far (Sensu: resources reject them; `/auth/token`
   * still takes them); returns how many were still live.
   */
  revokeAccessTokens(): number;
  /** Revokes every refresh token (Sensu: deletes every session); returns how many were live. */
  revokeRefreshTokens(): number;
  /** While enabled, every resource request answers the vendor's 401. */
  setResourcesUnauthorized(enabled: boolean): void;
  /** Queues a fault; see {@link FaultInput}. Throws `FaultInputError` on a bad description. */
  injectFault(fault: FaultInput): ActiveFault;
  /** The faults still queued, in the order they apply. */
  faults(): ActiveFault[];
  /** Removes every queued fault; returns how many there were. */
  clearFaults(): number;
  /** Changes the lifetimes of tokens issued from now on. */
  setLifetimes(lifetimes: Partial<TokenLifetimes>): TokenLifetimes;
  /**
   * Changes how token responses advertise the access token's lifetime (`expires_in`, Sensu
   * `expires_at`) from now on; tokens still live `accessTokenTtlSeconds`. Throws a
   * RangeError for an unknown mode.
   */
  setAdvertisedLifetime(mode: AdvertisedLifetime): AdvertisedLifetime;
  /**
   * Sets the server clock's offset in ms (negative: behind), for everything from now on:
   * issuing, expiry checks, JWT claims and the `Date` header. Tokens already issued keep
   * their absolute expiry. Throws a RangeError unless an integer within 366 days.
   */
  setClockOffset(offsetMs: number): SandboxClockState;
  /** The server's clock and its offset. */
  clock(): SandboxClockState;
  /**
   * Turns CORS on for any origin (`true` or `'*'`), for the given origins, or off (`false`),
   * from the next request on; returns the setting in its normal form. Throws a RangeError
   * for something that is not an origin (`http://localhost:5173`: no path, no slash).
   */
  setCors(cors: CorsSetting): CorsOrigins;
  /** Everything at once: counters, faults, flags, live tokens, settings. */
  state(): SandboxState;
  /**
   * Forgets every token and session, zeroes the counters, clears faults and flags. The
   * settings (lifetimes, advertised lifetime, clock offset, CORS) stay.
   */
  reset(): void;
}
