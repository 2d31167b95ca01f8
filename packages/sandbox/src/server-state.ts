import type { AdvertisedLifetime } from './advertised-lifetime';
import { httpDate } from './clock';
import type { SandboxCounters } from './control-types';
import type { CorsOrigins } from './cors';
import type { ResolvedCommon, TokenLifetimes } from './options';

/** Counters at zero, as a sandbox starts and as `resetCounters()` leaves them. */
export function zeroCounters(): SandboxCounters {
  return {
    primaryGrants: 0,
    refreshes: 0,
    unauthorized: 0,
    reuseDetections: 0,
    missingVendorAccept: 0,
    tokenRequests: 0,
    faultsServed: 0,
  };
}

/**
 * What one sandbox's vendor routes read and its control API changes: the server's clock,
 * the settings (lifetimes, advertised lifetime, flags, CORS) and the counters. It exists
 * before the vendor's routes, which read it; the {@link SandboxCore} is built after them.
 */
export class ServerState {
  readonly counters: SandboxCounters = zeroCounters();
  /** While true, every resource request answers the vendor's 401. */
  resourcesUnauthorized = false;
  lifetimes: TokenLifetimes;
  /** How token responses advertise the access token's lifetime (see advertised-lifetime.ts). */
  advertisedLifetime: AdvertisedLifetime;
  /** Added to the clock: the server's "now" runs this far ahead (negative: behind). */
  clockOffsetMs: number;
  /** The browser origins admitted (see cors.ts); `false` keeps every answer as it was. */
  cors: CorsOrigins;
  readonly clock: ResolvedCommon['clock'];
  readonly log: ResolvedCommon['log'];
  #dateSecond = Number.NaN;
  #dateText = '';

  constructor(common: ResolvedCommon) {
    this.lifetimes = { ...common.lifetimes };
    this.advertisedLifetime = common.advertisedLifetime;
    this.clockOffsetMs = common.clockOffsetMs;
    this.cors = common.cors;
    this.clock = common.clock;
    this.log = common.log;
  }

  /**
   * The server's "now" in milliseconds since the epoch: the injected clock plus the clock
   * offset. Issuing, expiry checks, JWT claims and the `Date` header all read it.
   */
  now(): number {
    return this.clock.now() + this.clockOffsetMs;
  }

  /** The `Date` header for a response written now, on the server's clock (cached per second). */
  httpDate(): string {
    let nowMs: number;
    try {
      nowMs = this.now();
    } catch {
      // A broken injected clock is reported by the route that read it (a vendor 500); the
      // Date header must not turn that answer into a crash.
      nowMs = Date.now() + this.clockOffsetMs;
    }
    const second = Math.floor(nowMs / 1000);
    if (second !== this.#dateSecond) {
      this.#dateSecond = second;
      this.#dateText = httpDate(second * 1000);
    }
    return this.#dateText;
  }
}
