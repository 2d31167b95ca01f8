import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { type AdvertisedLifetime, checkAdvertisedLifetime } from './advertised-lifetime';
import { readBody } from './body';
import { checkClockOffset, httpDate } from './clock';
import type {
  SandboxClockState,
  SandboxControl,
  SandboxCounters,
  TokenLedger,
} from './control-types';
import { type CorsOrigins, checkCors } from './cors';
import { type ActiveFault, FaultQueue, type RetryAfter, type RouteClass } from './faults';
import type { ResolvedCommon, TokenLifetimes, Vendor } from './options';
import { checkLifetime } from './options';

export type {
  LiveTokenCounts,
  SandboxClockState,
  SandboxControl,
  SandboxCounters,
  SandboxState,
  TokenLedger,
} from './control-types';

/** Hono bindings: set by @hono/node-server, absent when the app runs in-process. */
export interface SandboxEnv {
  Bindings: { incoming?: IncomingMessage; outgoing?: ServerResponse };
}

export type SandboxContext = Context<SandboxEnv>;

/**
 * A request header (name in lower case). On Node it reads the parsed IncomingMessage
 * headers directly: building a web `Headers` object per request is the costliest part of
 * an authenticated GET.
 */
export function requestHeader(c: SandboxContext, name: string): string | undefined {
  const incoming = c.env.incoming;
  if (incoming) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
  return c.req.raw.headers.get(name) ?? undefined;
}

/** The wait a 503 or 429 asks for, and the headers that say so (`Retry-After`, ...). */
export interface RetryHint {
  /** Seconds to wait, as in `Retry-After`. */
  seconds: number;
  /** The server's clock (ms since the epoch) when the answer is written. */
  nowMs: number;
  headers: Readonly<Record<string, string>>;
}

/** How a vendor renders the faults whose body is vendor-specific. */
export interface FaultRenderer {
  serverError(c: SandboxContext, route: RouteClass): Response;
  unavailable(c: SandboxContext, route: RouteClass, retry: RetryHint): Response;
  /** HTTP 429 in the error format of the route (token endpoint or resource API). */
  rateLimited(c: SandboxContext, route: RouteClass, retry: RetryHint): Response;
  /** CloudCX only (other vendors refuse to queue it): authenticates, then answers the error. */
  businessError?(c: SandboxContext, code: string, message: string): Response | Promise<Response>;
}

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

const emptyLedger: TokenLedger = {
  revokeAccessTokens: () => 0,
  revokeRefreshTokens: () => 0,
  counts: () => ({ accessTokens: 0, refreshTokens: 0, sessions: 0 }),
  clear: () => {},
};

/** node-server writes nothing for a response carrying this header (see its utils/response). */
const alreadySentHeader = 'x-hono-already-sent';

function alreadySent(): Response {
  return new Response(null, { headers: { [alreadySentHeader]: 'true' } });
}

/** `Retry-After` (seconds or an HTTP date on the server's clock), plus `retry-after-ms`. */
function retryHint(advice: RetryAfter, nowMs: number): RetryHint {
  const seconds = advice.retryAfterSeconds;
  const headers: Record<string, string> = {
    'retry-after':
      advice.retryAfterFormat === 'http-date'
        ? httpDate(Math.ceil((nowMs + seconds * 1000) / 1000) * 1000)
        : String(seconds),
  };
  if (advice.retryAfterMs !== undefined) headers['retry-after-ms'] = String(advice.retryAfterMs);
  return { seconds, nowMs, headers };
}

/** The state and machinery shared by every vendor app of one sandbox. */
export class SandboxCore {
  readonly counters: SandboxCounters = zeroCounters();
  readonly faultQueue: FaultQueue;
  resourcesUnauthorized = false;
  lifetimes: TokenLifetimes;
  /** How token responses advertise the access token's lifetime (see advertised-lifetime.ts). */
  advertisedLifetime: AdvertisedLifetime;
  /** Added to the clock: the server's "now" runs this far ahead (negative: behind). */
  clockOffsetMs: number;
  /** The browser origins admitted (see cors.ts); `false` keeps every answer as it was. */
  cors: CorsOrigins;
  ledger: TokenLedger = emptyLedger;
  readonly clock: ResolvedCommon['clock'];
  readonly log: ResolvedCommon['log'];
  /** In-process responses standing for a dropped connection (see createSandbox's fetch). */
  readonly dropped = new WeakSet<Response>();
  readonly #closing = new AbortController();
  #dateSecond = Number.NaN;
  #dateText = '';

  constructor(
    readonly vendor: Vendor,
    common: ResolvedCommon,
    private readonly renderer: () => FaultRenderer,
  ) {
    this.faultQueue = new FaultQueue(vendor);
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

  /**
   * Runs a vendor route: applies a queued fault if one matches, then counts 401s. Returns
   * synchronously when it can, which keeps the hot path free of extra promise hops.
   */
  handle(
    route: RouteClass,
    c: SandboxContext,
    handler: () => Response | Promise<Response>,
  ): Response | Promise<Response> {
    if (route === 'token') this.counters.tokenRequests += 1;
    const fault = this.faultQueue.take(route);
    const result = fault === undefined ? handler() : this.#applyFault(fault, route, c, handler);
    if (result instanceof Promise) return result.then((res) => this.#count(res));
    return this.#count(result);
  }

  #count(res: Response): Response {
    if (res.status === 401) this.counters.unauthorized += 1;
    return res;
  }

  async #applyFault(
    fault: ActiveFault,
    route: RouteClass,
    c: SandboxContext,
    handler: () => Response | Promise<Response>,
  ): Promise<Response> {
    this.counters.faultsServed += 1;
    const renderer = this.renderer();
    switch (fault.kind) {
      case 'delay':
        await this.sleep(fault.delayMs);
        return handler();
      case 'server-error':
        return renderer.serverError(c, route);
      case 'unavailable':
        return renderer.unavailable(c, route, retryHint(fault, this.now()));
      case 'rate-limited':
        return renderer.rateLimited(c, route, retryHint(fault, this.now()));
      case 'hang':
        return this.hang(c);
      case 'malformed-json':
        // A body cut off mid-way, as from a proxy that dropped the rest.
        return new Response('{"access_token":"', {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      case 'html-error':
        return htmlErrorPage(fault.status);
      case 'drop-connection':
        return this.dropConnection(c);
      case 'business-error':
        if (renderer.businessError) return renderer.businessError(c, fault.code, fault.message);
        return handler();
    }
  }

  /** Closes the TCP connection without an answer (in-process: fetch rejects). */
  dropConnection(c: SandboxContext): Response {
    const socket = c.env.incoming?.socket;
    if (socket) {
      socket.destroy();
      return alreadySent();
    }
    return this.#droppedMarker();
  }

  #droppedMarker(): Response {
    const marker = new Response(null, { status: 204 });
    this.dropped.add(marker);
    return marker;
  }

  /**
   * Reads the request, then never answers: the promise settles only when the client closes
   * the connection (or, in-process, aborts its fetch) or when the sandbox closes, which
   * destroys the socket rather than waiting for it.
   */
  async hang(c: SandboxContext): Promise<Response> {
    await readBody(c.req.raw);
    const closing = this.#closing.signal;
    const outgoing = c.env.outgoing;
    const socket = c.env.incoming?.socket;
    if (outgoing && socket) {
      return new Promise((resolve) => {
        const end = () => {
          closing.removeEventListener('abort', stop);
          outgoing.off('close', end);
          resolve(alreadySent());
        };
        const stop = () => {
          socket.destroy();
          end();
        };
        if (closing.aborted || socket.destroyed) return stop();
        outgoing.once('close', end);
        closing.addEventListener('abort', stop, { once: true });
      });
    }
    // In-process: createSandbox's fetch rejects on its own when the caller aborts; this
    // only has to let go (and stand for a dropped connection if the sandbox closes first).
    const aborted = c.req.raw.signal;
    return new Promise((resolve) => {
      const end = () => {
        closing.removeEventListener('abort', end);
        aborted.removeEventListener('abort', end);
        resolve(this.#droppedMarker());
      };
      if (closing.aborted || aborted.aborted) return end();
      closing.addEventListener('abort', end, { once: true });
      aborted.addEventListener('abort', end, { once: true });
    });
  }

  /** Waits in real time (a delay fault is about wall-clock latency), cut short by close(). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#closing.signal;
      if (signal.aborted || ms <= 0) return resolve();
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  /** Ends pending delays and hung requests so that a server can close promptly. */
  close(): void {
    this.#closing.abort();
  }

  control(): SandboxControl {
    return {
      vendor: this.vendor,
      counters: () => ({ ...this.counters }),
      resetCounters: () => {
        Object.assign(this.counters, zeroCounters());
      },
      revokeAccessTokens: () => this.ledger.revokeAccessTokens(),
      revokeRefreshTokens: () => this.ledger.revokeRefreshTokens(),
      setResourcesUnauthorized: (enabled) => {
        this.resourcesUnauthorized = enabled === true;
      },
      injectFault: (fault) => this.faultQueue.add(fault),
      faults: () => this.faultQueue.list(),
      clearFaults: () => this.faultQueue.clear(),
      setLifetimes: (lifetimes) => {
        const next = { ...this.lifetimes };
        if (lifetimes.accessTokenTtlSeconds !== undefined) {
          next.accessTokenTtlSeconds = checkLifetime(
            'accessTokenTtlSeconds',
            lifetimes.accessTokenTtlSeconds,
          );
        }
        if (lifetimes.refreshTokenTtlSeconds !== undefined) {
          next.refreshTokenTtlSeconds = checkLifetime(
            'refreshTokenTtlSeconds',
            lifetimes.refreshTokenTtlSeconds,
          );
        }
        this.lifetimes = next;
        return { ...next };
      },
      setAdvertisedLifetime: (mode) => {
        this.advertisedLifetime = checkAdvertisedLifetime('advertisedLifetime', mode);
        return this.advertisedLifetime;
      },
      setClockOffset: (offsetMs) => {
        this.clockOffsetMs = checkClockOffset('clockOffsetMs', offsetMs);
        return this.#clockState();
      },
      clock: () => this.#clockState(),
      setCors: (cors) => {
        this.cors = checkCors('cors', cors);
        return this.#corsState();
      },
      state: () => ({
        vendor: this.vendor,
        counters: { ...this.counters },
        resourcesUnauthorized: this.resourcesUnauthorized,
        faults: this.faultQueue.list(),
        tokens: this.ledger.counts(),
        lifetimes: { ...this.lifetimes },
        advertisedLifetime: this.advertisedLifetime,
        clock: this.#clockState(),
        cors: this.#corsState(),
      }),
      reset: () => {
        this.ledger.clear();
        Object.assign(this.counters, zeroCounters());
        this.faultQueue.clear();
        this.resourcesUnauthorized = false;
      },
    };
  }

  #corsState(): CorsOrigins {
    return this.cors === false || this.cors === '*' ? this.cors : [...this.cors];
  }

  #clockState(): SandboxClockState {
    const nowMs = this.now();
    return { offsetMs: this.clockOffsetMs, nowMs, now: new Date(nowMs).toISOString() };
  }
}

const reasons: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** The error page a reverse proxy (nginx) serves when the application behind it fails. */
export function htmlErrorPage(status: number): Response {
  const title = `${status} ${reasons[status] ?? 'Error'}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return new Response(body, { status, headers: { 'content-type': 'text/html' } });
}
