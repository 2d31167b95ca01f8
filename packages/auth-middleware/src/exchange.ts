import type { Middleware } from 'openapi-fetch';
import { AuthError, InvalidOptionsError } from './errors';
import { type AuthHooks, type AuthLogger, announceRetry } from './observability';
import { RETRY_HEADER, type RetryPolicy, resolveRetry, retryAfterMs, retryDelay } from './retry';
import { type AttemptSignal, attemptSignal } from './timeout';
import type { TokenSet } from './token-set';
import {
  ConnectionError,
  originOf,
  RequestAbortedError,
  RequestTimeoutError,
} from './transport-errors';

/**
 * A fetch as openapi-fetch calls it: one Request in, one Response out. openapi-fetch passes
 * its `requestInitExt` (e.g. an undici `dispatcher`) as the second argument; it is forwarded.
 */
export type RequestFetch = (request: Request, init?: RequestInit) => Promise<Response>;

/**
 * Authentication for openapi-fetch clients, in two interchangeable forms:
 * - `middleware`: add to any client in one line, `client.use(auth.middleware)` (register it
 *   last, so a replay carries every other middleware's changes);
 * - `wrapFetch(fetch)`: pass as the client's `fetch`, beneath the middleware chain, so every
 *   middleware sees the request before the token is added and the final response after any
 *   retry or replay. The vendor clients use this form.
 */
export interface Auth {
  /** An openapi-fetch middleware: `client.use(auth.middleware)`, registered last. */
  readonly middleware: Middleware;
  /**
   * A fetch that authenticates, retries and replays: pass it as the client's `fetch`.
   *
   * @param fetch - The fetch beneath it. @defaultValue `globalThis.fetch`
   */
  wrapFetch(fetch?: RequestFetch): RequestFetch;
}

/** How one kind of credentials goes on requests. */
export interface Credentials {
  /** Puts credentials on `request`: `tokens` when given (a replay), else current ones. */
  apply(request: Request, tokens?: TokenSet): Promise<TokenSet | undefined>;
  /** After the API refused `tokens` (401) for `request`: newer tokens for the one replay. */
  renew?(request: Request, tokens: TokenSet, response: Response): Promise<TokenSet>;
  /** Requests that must pass untouched (the token endpoints themselves). */
  skip?(request: Request): boolean;
  /** The API answered 2xx to a request that carried `tokens`. */
  accepted?(tokens: TokenSet): void;
}

/** The retry, timeout and observability settings every call of one Auth shares. */
export interface ExchangeSettings {
  readonly retry: RetryPolicy | undefined;
  /** Per-attempt timeout of API calls in ms; 0 for none. */
  readonly timeoutMs: number;
  readonly strategy: string | undefined;
  readonly clock: () => number;
  readonly hooks: AuthHooks | undefined;
  readonly logger: AuthLogger | undefined;
}

/** What one attempt came to: the server's answer, or a typed transport error. */
type Outcome = { response: Response; error?: undefined } | { error: Error; response?: undefined };

/** The defaults, for a call whose header turns retries on under `retry: false`. */
const DEFAULT_POLICY = resolveRetry(undefined);

/** The retries a call may make: the policy's, unless its `tokenwire-retry` header says otherwise. */
function retriesFor(
  request: Request,
  policy: RetryPolicy | undefined,
): [RetryPolicy | undefined, number] {
  const header = request.headers.get(RETRY_HEADER);
  if (header === null) {
    return policy?.methods.has(request.method) ? [policy, policy.maxRetries] : [policy, 0];
  }
  request.headers.delete(RETRY_HEADER);
  const value = header.trim().toLowerCase();
  const base = policy ?? DEFAULT_POLICY;
  if (value === 'false' || value === '0') return [base, 0];
  if (value === 'true') return [base, base?.maxRetries ?? 0];
  if (/^\d{1,3}$/.test(value)) return [base, Number(value)];
  throw new InvalidOptionsError(
    RETRY_HEADER,
    `The ${RETRY_HEADER} header must be "true", "false" or a whole number of retries, got ${JSON.stringify(header.slice(0, 20))}.`,
  );
}

/** Whatever a send threw, as a typed error. */
function transportError(error: unknown, request: Request, timedOut: boolean, timeoutMs: number) {
  if (timedOut) return new RequestTimeoutError(originOf(request.url), timeoutMs);
  if (request.signal.aborted) return new RequestAbortedError(request.signal.reason);
  if (error instanceof AuthError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new RequestAbortedError(error);
  return new ConnectionError(originOf(request.url), error);
}

/** One API call: its credentials, its retry budget, the one 401 replay, the spare copy. */
class Exchange {
  readonly #settings: ExchangeSettings;
  readonly #credentials: Credentials;
  readonly #caller: AbortSignal;
  #policy: RetryPolicy | undefined;
  #maxRetries = 0;
  #retries = 0;
  #replayed = false;
  #tokens: TokenSet | undefined;
  /** The request as sent last (with credentials, without the attempt's signal). */
  #current!: Request;
  /** An unsent copy of #current, for the next send (only when one may follow and it has a body). */
  #spare: Request | undefined;
  #attempt: AttemptSignal | undefined;

  constructor(settings: ExchangeSettings, credentials: Credentials, caller: AbortSignal) {
    this.#settings = settings;
    this.#credentials = credentials;
    this.#caller = caller;
  }

  /** Strips the retry header, puts credentials on, and returns the first request to send. */
  async start(request: Request): Promise<Request> {
    [this.#policy, this.#maxRetries] = retriesFor(request, this.#settings.retry);
    this.#tokens = await this.#unlessAborted(this.#credentials.apply(request));
    return this.#arm(request);
  }

  /**
   * Sends one attempt and reports what it came to. The attempt's signal (the caller's, plus
   * the timeout) goes in `init`, which fetch honours over the request's own; the attempt is
   * also raced against it, so a fetch that ignores `init` still times out.
   */
  async send(request: Request, send: RequestFetch, init?: RequestInit): Promise<Outcome> {
    const attempt = this.#attempt;
    try {
      const response = attempt
        ? await attempt.race(send(request, { ...init, signal: attempt.signal }))
        : await send(request, init);
      this.answered(response);
      return { response };
    } catch (error) {
      return { error: this.failed(error) };
    } finally {
      this.finished();
    }
  }

  /**
   * The request to hand to a sender that takes no `init` (openapi-fetch, in the
   * middleware form): the current one, rebuilt with the attempt's signal.
   */
  withAttemptSignal(request: Request): Request {
    return this.#attempt ? new Request(request, { signal: this.#attempt.signal }) : request;
  }

  /** Tells the credentials that the API accepted them (a 2xx answer). */
  answered(response: Response): void {
    if (response.ok && this.#tokens) this.#credentials.accepted?.(this.#tokens);
  }

  /** The attempt is over: stops its timer. */
  finished(): void {
    this.#attempt?.done();
  }

  /** What a failed send threw, as a typed error (call before `finished`). */
  failed(error: unknown): Error {
    const timedOut = this.#attempt?.timedOut() ?? false;
    return transportError(error, this.#current, timedOut, this.#settings.timeoutMs);
  }

  /** Whether `outcome` ends the call as it is: no 401 to replay, nothing to retry. */
  isFinal(outcome: Outcome): boolean {
    const { response } = outcome;
    if (response?.status === 401 && this.#canReplay()) return false;
    if (this.#retries >= this.#maxRetries || !this.#policy) return true;
    return response
      ? !this.#policy.statuses.has(response.status)
      : !this.#isTransient(outcome.error);
  }

  /**
   * From the first attempt's outcome to the call's: replays once after a 401 with new
   * tokens, retries transient failures after their backoff, and hands back the last answer
   * (or throws the last transport error).
   */
  async settle(first: Outcome, send: RequestFetch, init?: RequestInit): Promise<Response> {
    let outcome = first;
    while (!this.isFinal(outcome)) {
      const next = await this.#next(outcome);
      if (!next) break;
      outcome = await this.send(next, send, init);
    }
    if (outcome.error) throw outcome.error;
    return outcome.response;
  }

  /** `work`, whose rejection after the caller's abort (the abort's reason) is typed. */
  async #unlessAborted<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw this.#caller.aborted && !(error instanceof AuthError)
        ? new RequestAbortedError(this.#caller.reason)
        : error;
    }
  }

  #canReplay(): boolean {
    return !this.#replayed && !!this.#tokens && !!this.#credentials.renew;
  }

  #isTransient(error: Error | undefined): boolean {
    return error instanceof ConnectionError || error instanceof RequestTimeoutError;
  }

  /** The request to send after `outcome`, or undefined when the server's wait is too long. */
  async #next(outcome: Outcome): Promise<Request | undefined> {
    const { response } = outcome;
    const copy = this.#spare ?? new Request(this.#current);
    if (response?.status === 401 && this.#canReplay() && this.#tokens && this.#credentials.renew) {
      this.#replayed = true;
      let tokens: TokenSet;
      try {
        tokens = await this.#unlessAborted(
          this.#credentials.renew(this.#current, this.#tokens, response),
        );
      } finally {
        // Nobody will read the refused answer's body; one already locked or gone is fine.
        response.body?.cancel().catch(() => {});
      }
      this.#tokens = await this.#credentials.apply(copy, tokens);
      return this.#arm(copy);
    }
    const policy = this.#policy as RetryPolicy;
    const asked = response && retryAfterMs(response.headers, this.#settings.clock());
    const delayMs = retryDelay(policy, this.#retries, asked);
    if (delayMs === undefined) return undefined;
    response?.body?.cancel().catch(() => {});
    this.#retries += 1;
    const { pathname } = new URL(this.#current.url);
    announceRetry(
      {
        strategy: this.#settings.strategy,
        target: 'api',
        attempt: this.#retries,
        maxRetries: this.#maxRetries,
        delayMs,
        status: response?.status,
        code: response ? undefined : (outcome.error as AuthError).code,
        request: `${this.#current.method} ${pathname}`,
      },
      this.#settings.hooks,
      this.#settings.logger,
    );
    try {
      await policy.sleep(delayMs, this.#caller);
    } catch {
      throw new RequestAbortedError(this.#caller.reason);
    }
    return this.#arm(copy);
  }

  /**
   * Makes `request` the current one: keeps an unsent copy when another send may follow (a
   * ReadableStream body is teed, so the copy replays the same bytes), and arms this
   * attempt's signal (the caller's, plus the timeout).
   */
  #arm(request: Request): Request {
    this.#current = request;
    const more = this.#canReplay() || this.#retries < this.#maxRetries;
    this.#spare = more && request.body ? request.clone() : undefined;
    const { timeoutMs } = this.#settings;
    this.#attempt = timeoutMs ? attemptSignal(this.#caller, timeoutMs) : undefined;
    return request;
  }
}

/**
 * Both forms of an Auth over `credentials`: every call gets its credentials, a per-attempt
 * timeout, retries of transient failures and (with renewable credentials) one replay after
 * a 401. A call is sent at most 1 + maxRetries + 1 times.
 */
export function buildAuth(credentials: Credentials, settings: ExchangeSettings): Auth {
  const skip = credentials.skip ?? (() => false);
  const exchanges = new WeakMap<Request, Exchange>();
  return {
    middleware: {
      async onRequest({ request }) {
        if (skip(request)) return undefined;
        const exchange = new Exchange(settings, credentials, request.signal);
        const sent = exchange.withAttemptSignal(await exchange.start(request));
        exchanges.set(sent, exchange);
        return sent === request ? undefined : sent;
      },
      onResponse({ request, response, options }) {
        const exchange = exchanges.get(request);
        if (!exchange) return undefined;
        exchanges.delete(request);
        exchange.finished();
        exchange.answered(response);
        // Synchronous when the answer is final: the common path allocates no promise.
        const outcome = { response };
        return exchange.isFinal(outcome) ? undefined : exchange.settle(outcome, options.fetch);
      },
      async onError({ request, error, options }) {
        const exchange = exchanges.get(request);
        if (!exchange) return undefined;
        exchanges.delete(request);
        const outcome = { error: exchange.failed(error) };
        exchange.finished();
        try {
          return await exchange.settle(outcome, options.fetch);
        } catch (final) {
          return final as Error;
        }
      },
    },
    wrapFetch:
      (inner = (request, init) => fetch(request, init)) =>
      async (request, init) => {
        if (skip(request)) return inner(request, init);
        const exchange = new Exchange(settings, credentials, request.signal);
        const outcome = await exchange.send(await exchange.start(request), inner, init);
        if (exchange.isFinal(outcome)) {
          if (outcome.error) throw outcome.error;
          return outcome.response;
        }
        return exchange.settle(outcome, inner, init);
      },
  };
}
