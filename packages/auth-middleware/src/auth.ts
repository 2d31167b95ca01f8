import { InvalidOptionsError, messageOf } from './errors';
import { type Auth, buildAuth, type ExchangeSettings } from './exchange';
import type { GrantStrategy } from './grant';
import type { AuthHooks, AuthLogger } from './observability';
import { type RetryOptions, resolveRetry } from './retry';
import { DEFAULT_REQUEST_TIMEOUT_MS, timeoutOption } from './timeout';
import { TokenManager, type TokenManagerOptions } from './token-manager';
import type { TokenSet } from './token-set';
import { assertSecureUrl } from './transport';

export type { Auth, RequestFetch } from './exchange';

/** Token auth: an {@link Auth} with the token controls. */
export interface TokenAuth extends Auth {
  /** The token manager behind it (the store, the strategy, the single flight). */
  readonly manager: TokenManager;
  /** The current access token, acquiring or refreshing it if needed. */
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** Forces a refresh now (falls back to the primary grant when the refresh is refused). */
  refresh(signal?: AbortSignal): Promise<TokenSet>;
  /** Forgets the stored tokens; the next request gets new ones. */
  invalidate(): Promise<void>;
}

/** Options of the API calls themselves (both token and fixed-credential auth). */
export interface CallOptions {
  /**
   * Abort an API call attempt that has no response headers after this long, with a
   * RequestTimeoutError (a transient failure: retried when retries allow). It composes with
   * the call's own `signal`: whichever fires first wins. `0` or `false` for none.
   * Default 60 000 ms.
   */
  requestTimeoutMs?: number | false;
}

/** The options of {@link createTokenAuth}: the token lifecycle's, the calls', and the strategy. */
export interface TokenAuthOptions extends TokenManagerOptions, CallOptions {
  /** The grant strategy: how tokens are obtained, refreshed and applied. */
  strategy: GrantStrategy;
}

/** The URL without query or fragment: token endpoints are recognised by origin and path. */
const withoutQuery = (url: string) => url.replace(/[?#].*/, '');

function settings(
  options: CallOptions & {
    retry?: RetryOptions | false;
    clock?: () => number;
    hooks?: AuthHooks;
    logger?: AuthLogger;
  },
  strategy: string | undefined,
): ExchangeSettings {
  return {
    retry: resolveRetry(options.retry),
    timeoutMs: timeoutOption(
      options.requestTimeoutMs,
      'requestTimeoutMs',
      DEFAULT_REQUEST_TIMEOUT_MS,
    ),
    strategy,
    clock: options.clock ?? Date.now,
    hooks: options.hooks,
    logger: options.logger,
  };
}

/**
 * Token-based authentication: lazy, refreshed ahead of expiry, replayed once on 401, with
 * retries of transient failures and a per-attempt timeout on API calls.
 */
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
    ...buildAuth(
      {
        async apply(request, given) {
          assertSecureUrl(request.url, insecure, 'the API');
          const tokens = given ?? (await manager.getTokens(request.signal));
          place(request, tokens);
          return tokens;
        },
        async renew(request, tokens) {
          manager.reportError(
            `The API answered 401 to ${request.method} ${new URL(request.url).pathname}; replaying once with a new token.`,
            401,
          );
          return manager.tokensAfterRejection(tokens.accessToken, request.signal);
        },
        skip: (request) => tokenUrls.has(withoutQuery(request.url)),
        accepted: (tokens) => manager.accepted(tokens.accessToken),
      },
      settings(managerOptions, strategy.name),
    ),
    manager,
    getAccessToken: async (signal) => (await manager.getTokens(signal)).accessToken,
    refresh: (signal) => manager.refresh(signal),
    invalidate: () => manager.invalidate(),
  };
}

/** The options of {@link createStaticAuth}. */
export interface StaticAuthOptions extends CallOptions {
  /** Headers to set on every request, e.g. `{ Authorization: 'Key 1f2e...' }`. */
  headers: Record<string, string>;
  /** Allow these credentials over plain http to non-loopback hosts. Default false. */
  allowInsecureHttp?: boolean;
  /** Retries of transient failures, as for token auth. `false` turns them off. */
  retry?: RetryOptions | false;
  /** The clock (for `Retry-After` dates), in epoch milliseconds. Default `Date.now`. */
  clock?: () => number;
  /** Receives `onRetry` events. */
  hooks?: AuthHooks;
  /** Receives one `info` line per retry. */
  logger?: AuthLogger;
}

/**
 * Fixed credentials (API keys): sets the headers on every request, never calls a token
 * endpoint, and hands a 401 back unchanged (there is nothing to refresh). Transient
 * failures are retried and attempts time out as with token auth.
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
  return buildAuth(
    {
      async apply(request) {
        assertSecureUrl(request.url, insecure, 'the API');
        for (const [name, value] of headers) request.headers.set(name, value);
        return undefined;
      },
    },
    settings(options, undefined),
  );
}
