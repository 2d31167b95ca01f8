import type { Middleware } from 'openapi-fetch';
import { InvalidOptionsError } from './errors';
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
  tokens: TokenSet | undefined;
  /** An unsent copy of the request, for the one replay (only when it has a body). */
  copy: Request | undefined;
}

function bearer(headers: Headers, tokens: TokenSet): void {
  headers.set('Authorization', `Bearer ${tokens.accessToken}`);
}

/** The URL without query or fragment: token endpoints are recognised by origin and path. */
function withoutQuery(url: string): string {
  return url.split(/[?#]/, 1)[0] ?? url;
}

/** Discards a response body nobody will read; a body already locked or gone is fine. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

// RFC 9110 token characters for header names; values must be visible Latin-1 or spaces/tabs.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The shared core of both forms: put credentials on a request, and after a 401 decide
 * whether and how to replay it once.
 */
interface Authorizer {
  skip(request: Request): boolean;
  prepare(request: Request): Promise<Attempt>;
  /** The request to replay after a 401, or undefined to hand the 401 back. */
  recover(request: Request, attempt: Attempt, response: Response): Promise<Request | undefined>;
}

function build(authorizer: Authorizer): Auth {
  const attempts = new WeakMap<Request, Attempt>();
  const middleware: Middleware = {
    async onRequest({ request }) {
      if (authorizer.skip(request)) return undefined;
      attempts.set(request, await authorizer.prepare(request));
      return undefined;
    },
    async onResponse({ request, response, options }) {
      const attempt = attempts.get(request);
      attempts.delete(request);
      if (!attempt || response.status !== 401) return undefined;
      const replay = await authorizer.recover(request, attempt, response);
      return replay ? options.fetch(replay) : undefined;
    },
  };
  return {
    middleware,
    wrapFetch(inner = (request, init) => fetch(request, init)) {
      return async (request, init) => {
        if (authorizer.skip(request)) return inner(request, init);
        const attempt = await authorizer.prepare(request);
        const response = await inner(request, init);
        if (response.status !== 401) return response;
        const replay = await authorizer.recover(request, attempt, response);
        return replay ? inner(replay, init) : response;
      };
    },
  };
}

/** Token-based authentication: lazy, refreshed ahead of expiry, replayed once on 401. */
export function createTokenAuth(options: TokenAuthOptions): TokenAuth {
  const { strategy, ...managerOptions } = options;
  const manager = new TokenManager(strategy, managerOptions);
  const authorize = strategy.authorize ?? bearer;
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  const tokenUrls = new Set(strategy.tokenUrls.map((url) => withoutQuery(new URL(url).href)));
  // A custom authorize that throws may quote the token (so may Headers itself): mask it.
  const place = (headers: Headers, tokens: TokenSet) => {
    try {
      authorize(headers, tokens);
    } catch (error) {
      const detail = manager.redact(error instanceof Error ? error.message : String(error), [
        tokens.accessToken,
        tokens.refreshToken ?? '',
      ]);
      throw new InvalidOptionsError(
        'strategy.authorize',
        `The ${strategy.name} strategy could not put the token on the request: ${detail}`,
      );
    }
  };

  const auth = build({
    skip: (request) => tokenUrls.has(withoutQuery(request.url)),
    async prepare(request) {
      assertSecureUrl(request.url, allowInsecureHttp, 'the API');
      const tokens = await manager.getTokens(request.signal);
      // Take the copy before the first send consumes the body; bodiless requests can be
      // rebuilt from the sent one. A ReadableStream body is teed: the copy buffers what the
      // first send reads, so the replay sends the same bytes.
      const copy = request.body === null ? undefined : request.clone();
      place(request.headers, tokens);
      return { tokens, copy };
    },
    async recover(request, attempt, response) {
      if (!attempt.tokens) return undefined;
      manager.reportError(
        new Error(
          `The API answered 401 to ${request.method} ${new URL(request.url).pathname}; refreshing the token and replaying once.`,
        ),
        401,
      );
      let tokens: TokenSet;
      try {
        tokens = await manager.tokensAfterRejection(attempt.tokens.accessToken, request.signal);
      } finally {
        discard(response);
      }
      const replay = attempt.copy ?? new Request(request);
      place(replay.headers, tokens);
      return replay;
    },
  });

  return {
    ...auth,
    manager,
    async getAccessToken(signal) {
      return (await manager.getTokens(signal)).accessToken;
    },
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
  if (entries.length === 0) {
    throw new InvalidOptionsError('headers', 'createStaticAuth needs at least one header to set.');
  }
  for (const [name, value] of entries) {
    // Checked here, because Headers would throw later with the whole value in its message.
    if (!HEADER_NAME.test(name)) {
      throw new InvalidOptionsError(
        'headers',
        `A credential header name is not a valid HTTP header name (${JSON.stringify(name.replace(/[^\x20-\x7e]/g, '?'))}); use a name like "Authorization".`,
      );
    }
    if (value.trim() === '' || !HEADER_VALUE.test(value)) {
      throw new InvalidOptionsError(
        `headers.${name}`,
        `The "${name}" credential header is empty or contains a line break, a control character or a character beyond Latin-1; pass the key exactly as issued.`,
      );
    }
  }
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  return build({
    skip: () => false,
    async prepare(request) {
      assertSecureUrl(request.url, allowInsecureHttp, 'the API');
      for (const [name, value] of entries) request.headers.set(name, value);
      return { tokens: undefined, copy: undefined };
    },
    recover: async () => undefined,
  });
}
