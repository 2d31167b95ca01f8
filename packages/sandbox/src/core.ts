import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { checkAdvertisedLifetime } from './advertised-lifetime';
import { readBody } from './body';
import { checkClockOffset, httpDate } from './clock';
import type { SandboxClockState, SandboxControl, TokenLedger } from './control-types';
import { type CorsOrigins, checkCors } from './cors';
import { type ActiveFault, FaultQueue, type RetryAfter, type RouteClass } from './faults';
import type { Vendor } from './options';
import { checkLifetime } from './options';
import { type ServerState, zeroCounters } from './server-state';

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

/** What the core needs from a vendor besides its routes. */
export interface VendorFaultsAndTokens {
  /** Renders the faults whose body is vendor-specific. */
  renderer: FaultRenderer;
  /** The vendor's token store, behind the control API. */
  ledger: TokenLedger;
}

/**
 * The machinery of one sandbox, built after its vendor's routes: the fault queue and how
 * faults are applied, hangs and delays, and the control API over the {@link ServerState}.
 */
export class SandboxCore {
  readonly faultQueue: FaultQueue;
  /** In-process responses standing for a dropped connection (see createSandbox's fetch). */
  readonly dropped = new WeakSet<Response>();
  readonly #closing = new AbortController();
  readonly #renderer: FaultRenderer;
  readonly #ledger: TokenLedger;

  constructor(
    readonly vendor: Vendor,
    readonly server: ServerState,
    vendorParts: VendorFaultsAndTokens,
  ) {
    this.faultQueue = new FaultQueue(vendor);
    this.#renderer = vendorParts.renderer;
    this.#ledger = vendorParts.ledger;
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
    if (route === 'token') this.server.counters.tokenRequests += 1;
    const fault = this.faultQueue.take(route);
    const result = fault === undefined ? handler() : this.#applyFault(fault, route, c, handler);
    if (result instanceof Promise) return result.then((res) => this.#count(res));
    return this.#count(result);
  }

  #count(res: Response): Response {
    if (res.status === 401) this.server.counters.unauthorized += 1;
    return res;
  }

  async #applyFault(
    fault: ActiveFault,
    route: RouteClass,
    c: SandboxContext,
    handler: () => Response | Promise<Response>,
  ): Promise<Response> {
    this.server.counters.faultsServed += 1;
    const renderer = this.#renderer;
    switch (fault.kind) {
      case 'delay':
        await this.sleep(fault.delayMs);
        return handler();
      case 'server-error':
        return renderer.serverError(c, route);
      case 'unavailable':
        return renderer.unavailable(c, route, retryHint(fault, this.server.now()));
      case 'rate-limited':
        return renderer.rateLimited(c, route, retryHint(fault, this.server.now()));
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

  /** The control API of this sandbox (the same operations as its `/__sandbox/` routes). */
  control(): SandboxControl {
    const server = this.server;
    const ledger = this.#ledger;
    const corsState = (): CorsOrigins =>
      server.cors === false || server.cors === '*' ? server.cors : [...server.cors];
    const clockState = (): SandboxClockState => {
      const nowMs = server.now();
      return { offsetMs: server.clockOffsetMs, nowMs, now: new Date(nowMs).toISOString() };
    };
    return {
      vendor: this.vendor,
      counters: () => ({ ...server.counters }),
      resetCounters: () => {
        Object.assign(server.counters, zeroCounters());
      },
      revokeAccessTokens: () => ledger.revokeAccessTokens(),
      revokeRefreshTokens: () => ledger.revokeRefreshTokens(),
      setResourcesUnauthorized: (enabled) => {
        server.resourcesUnauthorized = enabled === true;
      },
      injectFault: (fault) => this.faultQueue.add(fault),
      faults: () => this.faultQueue.list(),
      clearFaults: () => this.faultQueue.clear(),
      setLifetimes: (lifetimes) => {
        const next = { ...server.lifetimes };
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
        server.lifetimes = next;
        return { ...next };
      },
      setAdvertisedLifetime: (mode) => {
        server.advertisedLifetime = checkAdvertisedLifetime('advertisedLifetime', mode);
        return server.advertisedLifetime;
      },
      setClockOffset: (offsetMs) => {
        server.clockOffsetMs = checkClockOffset('clockOffsetMs', offsetMs);
        return clockState();
      },
      clock: clockState,
      setCors: (cors) => {
        server.cors = checkCors('cors', cors);
        return corsState();
      },
      state: () => ({
        vendor: this.vendor,
        counters: { ...server.counters },
        resourcesUnauthorized: server.resourcesUnauthorized,
        faults: this.faultQueue.list(),
        tokens: ledger.counts(),
        lifetimes: { ...server.lifetimes },
        advertisedLifetime: server.advertisedLifetime,
        clock: clockState(),
        cors: corsState(),
      }),
      reset: () => {
        ledger.clear();
        Object.assign(server.counters, zeroCounters());
        this.faultQueue.clear();
        server.resourcesUnauthorized = false;
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
