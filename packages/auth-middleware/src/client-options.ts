import type { ClientOptions } from 'openapi-fetch';
import type { CallOptions, RequestFetch, StaticAuthOptions } from './auth';
import { InvalidOptionsError } from './errors';
import type { TokenManagerOptions } from './token-manager';
import { defined } from './token-response';

/**
 * Options every tokenwire vendor client takes, besides its credentials: the token
 * manager's (store, refreshSkewMs, timeoutMs, retry, defaultLifetimeMs, allowInsecureHttp,
 * clock, hooks, logger), the API calls' `requestTimeoutMs`, the fetch to send with (default
 * `globalThis.fetch`), and openapi-fetch's own.
 */
export interface CommonClientOptions
  extends TokenManagerOptions,
    CallOptions,
    Omit<ClientOptions, 'baseUrl' | 'fetch'> {
  /** The fetch to send with. @defaultValue `globalThis.fetch` */
  fetch?: RequestFetch;
}

/** A required, non-empty string option without line breaks, or an error naming it. */
export function stringOption(value: unknown, option: string): string {
  const problem =
    typeof value !== 'string' || !value.trim()
      ? value === undefined
        ? 'is missing'
        : 'is empty or not a string'
      : /[\r\n]/.test(value) && 'contains a line break';
  if (problem) {
    throw new InvalidOptionsError(option, `${option} ${problem}; pass it as the vendor issued it.`);
  }
  return value as string;
}

/** An absolute http(s) base URL without a trailing slash, or an error naming the option. */
export function baseUrlOption(value: unknown, option = 'baseUrl'): string {
  const text = stringOption(value, option);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (
    !url ||
    !/^https?:$/.test(url.protocol) ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    // Not quoted: it may carry credentials.
    throw new InvalidOptionsError(
      option,
      `${option} must be an http(s) URL without query, fragment or credentials, e.g. https://api.example.com.`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * The options of `createStaticAuth` among a client's manager options: an API-key client
 * keeps the same transport safety, retries, timeout and observability as a token client.
 */
export function staticAuthOptions(
  manager: TokenManagerOptions & CallOptions,
): Omit<StaticAuthOptions, 'headers'> {
  const { allowInsecureHttp, retry, requestTimeoutMs, clock, hooks, logger } = manager;
  return defined({ allowInsecureHttp, retry, requestTimeoutMs, clock, hooks, logger });
}

/**
 * Splits a vendor client's common options into the token manager's options, the options
 * passed through to openapi-fetch, and the fetch to send with.
 */
export function splitClientOptions(options: CommonClientOptions): {
  /** The token manager's and the API calls' options. */
  manager: TokenManagerOptions & CallOptions;
  /** openapi-fetch's own options, passed through. */
  client: Omit<ClientOptions, 'baseUrl' | 'fetch'>;
  /** The fetch to send with (`globalThis.fetch` unless one was given). */
  fetch: RequestFetch;
} {
  const {
    fetch,
    store,
    refreshSkewMs,
    timeoutMs,
    requestTimeoutMs,
    retry,
    defaultLifetimeMs,
    allowInsecureHttp,
    clock,
    hooks,
    logger,
    ...client
  } = options;
  return {
    manager: defined({
      store,
      refreshSkewMs,
      timeoutMs,
      requestTimeoutMs,
      retry,
      defaultLifetimeMs,
      allowInsecureHttp,
      clock,
      hooks,
      logger,
    }),
    client,
    fetch: fetch ?? ((request, init) => globalThis.fetch(request, init)),
  };
}
