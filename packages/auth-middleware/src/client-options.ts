import type { ClientOptions } from 'openapi-fetch';
import type { CallOptions, RequestFetch, StaticAuthOptions, TokenAuth } from './auth';
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
 * Sends a request through an openapi-fetch call and hands back the untouched Response, so
 * a token response can be validated by the grant's `process` step (openapi-fetch reads the
 * body of error answers itself; it gets a clone).
 */
export async function rawResponse(
  send: (fetch: RequestFetch) => Promise<unknown>,
  fetch: RequestFetch,
): Promise<Response> {
  let raw: Response | undefined;
  await send(async (request, init) => {
    raw = await fetch(request, init);
    return raw.clone();
  });
  if (!raw) throw new TypeError('The request was not sent.');
  return raw;
}

/** The token controls every vendor client exposes as `client.auth`. */
export interface ClientAuthControls {
  /** The current access token, acquiring or refreshing it first if needed. */
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** Refreshes now (falling back to the primary grant when the refresh is refused). */
  refresh(signal?: AbortSignal): Promise<void>;
  /** Forgets the stored tokens; the next request gets new ones. */
  invalidate(): Promise<void>;
}

/** Serialises a flat object as `application/x-www-form-urlencoded`. */
export function formBody(fields: object): string {
  return new URLSearchParams(
    Object.entries(fields).flatMap(([name, value]) =>
      value == null ? [] : [[name, String(value)]],
    ),
  ).toString();
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

/** `client.auth` of a client that uses tokens. */
export function tokenControls(auth: TokenAuth): ClientAuthControls {
  return {
    getAccessToken: (signal) => auth.getAccessToken(signal),
    refresh: async (signal) => {
      await auth.refresh(signal);
    },
    invalidate: () => auth.invalidate(),
  };
}

/** `client.auth` of a client that sends a fixed API key: there is no token to manage. */
export function apiKeyControls(option: string): ClientAuthControls {
  return {
    getAccessToken: async () => {
      throw new InvalidOptionsError(
        option,
        'This client sends an API key: it has no access token.',
      );
    },
    refresh: async () => {},
    invalidate: async () => {},
  };
}

/**
 * Splits a vendor client's common options into the token manager's options, the options
 * passed through to openapi-fetch, and the fetch to send with.
 */
export function splitClientOptions(options: CommonClientOptions): {
  manager: TokenManagerOptions & CallOptions;
  client: Omit<ClientOptions, 'baseUrl' | 'fetch'>;
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
