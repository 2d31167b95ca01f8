import type { Middleware } from 'openapi-fetch';
import { InvalidOptionsError, messageOf } from './errors';
import type { GrantStrategy } from './grant';
import { TokenManager, type TokenManagerOptions } from './token-manager';
import type { TokenSet } from './token-set';
import { assertSecureUrl } from './transport';

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
 *   replay. The vendor clients use this form.
 */
export interface Auth {
  readonly middleware: Middleware;
  wrapFetch(fetch?: RequestFetch): RequestFetch;
}

export interface TokenAuth extends Auth {
  readonly manager: TokenManager;
  /** The current access token, acquiring or refreshing it if needed. */
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** Forces a refresh now (falls back to the primary grant when the refresh is refused). */
  refresh(signal?: AbortSignal): Promise<TokenSet>;
  /** Forgets the stored tokens; the next request gets new ones. */
  invalidate(): Promise<void>;
}

export interface TokenAuthOptions extends TokenManagerOptions {
  /** The grant strategy: how tokens are obtained, refreshed and applied. */
  strategy: GrantStrategy;
}

interface Attempt {
  tokens: TokenSet;
  /** An unsent copy of the request, for the one replay (only when it has a body). */
  copy: Request | null;
}

/** The URL without query or fragment: token endpoints are recognised by origin and path. */
const withoutQuery = (url: string) => url.replace(/[?#].*/, '');

/**
 * The shared core of both forms: `prepare` puts credentials on a request; after a 401,
 * `recover` (when given) returns the request to replay once.
 */
function build(
  prepare: (request: Request) => Promise<Attempt | undefined>,
  recover?: (request: Request, attempt: Attempt, response: Response) => Promise<Request>,
  skip = (_request: Request) => false,
): Auth {
  const attempts = new WeakMap<Request, Attempt | undefined>();
  // After a 401 to a request we put credentials on: the replay's response.
  // Synchronous when there is nothing to replay: the common path allocates no promise.
  const after = (
    request: Request,
    attempt: Attempt | undefined,
    response: Response,
    send: (request: Request) => Promise<Response>,
  ) =>
    attempt && recover && response.status === 401
      ? recover(request, attempt, response).then(send)
      : undefined;
  return {
    middleware: {
      async onRequest({ request }) {
        if (!skip(request)) attempts.set(request, await prepare(request));
      },
      onResponse({ request, response, options }) {
        const attempt = attempts.get(request);
        attempts.delete(request);
        return after(request, attempt, response, options.fetch);
      },
    },
    wrapFetch:
      (inner = (request, init) => fetch(request, init)) =>
      async (request, init) => {
        if (skip(request)) return inner(request, init);
        const attempt = await prepare(request);
        const response = await inner(request, init);
        return after(request, attempt, response, (replay) => inner(replay, init)) ?? response;
      },
  };
}

/** Token-based authentication: lazy, refreshed ahead of expiry, replayed once on 401. */
export function createTokenAuth(options: TokenAuthOptions): TokenAuth {
  const { strategy, ...managerOptions } = options;
  const manager = new TokenManager(strategy, managerOptions);
  const authorize =
    strategy.authorize ??
    ((headers: Headers, tokens: TokenSet) =>
      headers.set('Authorization', `Bearer ${tokens.accessToken}`));
  const insecure = !!options.allowInsecureHttp;
  const tokenUrls = new Set(strategy.tokenUrls.map((url) => withoutQuery(new URL(url).href)));
  // A custom authorize that throws may quote the token (so may Headers itself): mask it.
  const place = (request: Request, tokens: TokenSet) => {
    try {
      authorize(request.headers, tokens);
    } catch (error) {
      throw new InvalidOptionsError(
        'strategy.authorize',
        `The ${strategy.name} strategy's authorize failed: ${manager.redact(messageOf(error), [
          tokens.accessToken,
          tokens.refreshToken ?? '',
        ])}`,
      );
    }
    return request;
  };

  return {
    ...build(
      async (request) => {
        assertSecureUrl(request.url, insecure, 'the API');
        const tokens = await manager.getTokens(request.signal);
        // Take the copy before the first send consumes the body; bodiless requests can be
        // rebuilt from the sent one. A ReadableStream body is teed: the copy buffers what the
        // first send reads, so the replay sends the same bytes.
        const copy = request.body && request.clone();
        place(request, tokens);
        return { tokens, copy };
      },
      async (request, { tokens, copy }, response) => {
        manager.reportError(
          `The API answered 401 to ${request.method} ${new URL(request.url).pathname}; replaying once with a new token.`,
          401,
        );
        let next: TokenSet;
        try {
          next = await manager.tokensAfterRejection(tokens.accessToken, request.signal);
        } finally {
          // Nobody will read the refused answer's body; one already locked or gone is fine.
          response.body?.cancel().catch(() => {});
        }
        return place(copy ?? new Request(request), next);
      },
      (request) => tokenUrls.has(withoutQuery(request.url)),
    ),
    manager,
    getAccessToken: async (signal) => (await manager.getTokens(signal)).accessToken,
    refresh: (signal) => manager.refresh(signal),
    invalidate: () => manager.invalidate(),
  };
}

export interface StaticAuthOptions {
  /** Headers to set on every request, e.g. `{ Authorization: 'Key 1f2e...' }`. */
  headers: Record<string, string>;
  /** Allow these credentials over plain http to non-loopback hosts. Default false. */
  allowInsecureHttp?: boolean;
}

/**
 * Fixed credentials (API keys): sets the headers on every request, never calls a token
 * endpoint, and hands a 401 back unchanged (there is nothing to refresh).
 */
export function createStaticAuth(options: StaticAuthOptions): Auth {
  const entries = Object.entries(options.headers);
  if (!entries.length) {
    throw new InvalidOptionsError('headers', 'createStaticAuth needs at least one header to set.');
  }
  // Checked here, because Headers would throw later with the whole value in its message.
  const headers = new Headers();
  for (const [name, value] of entries) {
    try {
      if (!value.trim() || /[\r\n]/.test(value)) throw name;
      headers.set(name, value);
    } catch {
      throw new InvalidOptionsError(
        'headers',
        `The header ${JSON.stringify(name.replace(/[^ -~]/g, '?'))} has an invalid name, or a value that is empty or has a control, line break or non-Latin-1 character; pass the key as issued.`,
      );
    }
  }
  const insecure = !!options.allowInsecureHttp;
  return build(async (request) => {
    assertSecureUrl(request.url, insecure, 'the API');
    for (const [name, value] of headers) request.headers.set(name, value);
    return undefined;
  });
}
