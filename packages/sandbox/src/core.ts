import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { SandboxControl, SandboxCounters, TokenLedger } from './control-types';
import { type ActiveFault, FaultQueue, type RouteClass } from './faults';
import type { ResolvedCommon, TokenLifetimes, Vendor } from './options';
import { checkLifetime } from './options';

export type {
  LiveTokenCounts,
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

/** How a vendor renders the faults whose body is vendor-specific. */
export interface FaultRenderer {
  serverError(c: SandboxContext, route: RouteClass): Response;
  unavailable(c: SandboxContext, route: RouteClass, retryAfterSeconds: number): Response;
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

/** The state and machinery shared by every vendor app of one sandbox. */
export class SandboxCore {
  readonly counters: SandboxCounters = zeroCounters();
  readonly faultQueue: FaultQueue;
  resourcesUnauthorized = false;
  lifetimes: TokenLifetimes;
  ledger: TokenLedger = emptyLedger;
  readonly clock: ResolvedCommon['clock'];
  readonly log: ResolvedCommon['log'];
  /** In-process responses standing for a dropped connection (see createSandbox's fetch). */
  readonly dropped = new WeakSet<Response>();
  readonly #closing = new AbortController();

  constructor(
    readonly vendor: Vendor,
    common: ResolvedCommon,
    private readonly renderer: () => FaultRenderer,
  ) {
    this.faultQueue = new FaultQueue(vendor);
    this.lifetimes = { ...common.lifetimes };
    this.clock = common.clock;
    this.log = common.log;
  }

  /** Milliseconds since the epoch, from the injected clock. */
  now(): number {
    return this.clock.now();
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
        return renderer.unavailable(c, route, fault.retryAfterSeconds);
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
      return new Response(null, { headers: { [alreadySentHeader]: 'true' } });
    }
    const marker = new Response(null, { status: 204 });
    this.dropped.add(marker);
    return marker;
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

  /** Ends pending delays so that a server can close promptly. */
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
      state: () => ({
        vendor: this.vendor,
        counters: { ...this.counters },
        resourcesUnauthorized: this.resourcesUnauthorized,
        faults: this.faultQueue.list(),
        tokens: this.ledger.counts(),
        lifetimes: { ...this.lifetimes },
      }),
      reset: () => {
        this.ledger.clear();
        Object.assign(this.counters, zeroCounters());
        this.faultQueue.clear();
        this.resourcesUnauthorized = false;
      },
    };
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
