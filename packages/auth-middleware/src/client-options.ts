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
 * Splits a vendor client's options three ways, explicitly: the `credentialKeys` (e.g.
 * `['clientId', 'clientSecret', 'privateKey']`) go only into `credentials`, never to
 * openapi-fetch; the token manager's and the API calls' options into `manager`; and what is
 * left into `client`, openapi-fetch's own options. Take the client's other options of its
 * own (`baseUrl`, `apiVersion`...) out before, or list them here too.
 *
 * @param options - The client's options.
 * @param credentialKeys - The options that are credentials or identify them.
 * @example
 * ```ts
 * const { credentials, manager, client, fetch } = splitClientOptions(rest, [
 *   'clientId',
 *   'clientSecret',
 * ]);
 * ```
 */
export function splitClientOptions<
  Options extends CommonClientOptions,
  CredentialKey extends Exclude<keyof Options, keyof CommonClientOptions>,
>(
  options: Options,
  credentialKeys: readonly CredentialKey[],
): {
  /** The credentials named by `credentialKeys`, and only they. */
  credentials: Pick<Options, CredentialKey>;
  /** The token manager's and the API calls' options. */
  manager: TokenManagerOptions & CallOptions;
  /** openapi-fetch's own options, passed through: never a credential. */
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
    ...rest
  } = options;
  const credentials: Partial<Pick<Options, CredentialKey>> = {};
  const client: Record<string, unknown> = { ...rest };
  for (const key of credentialKeys) {
    if (key in client) credentials[key] = options[key];
    delete client[key as string];
  }
  return {
    credentials: credentials as Pick<Options, CredentialKey>,
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
    client: client as Omit<ClientOptions, 'baseUrl' | 'fetch'>,
    fetch: fetch ?? ((request, init) => globalThis.fetch(request, init)),
  };
}

/** `-----BEGIN <label>-----`, a base64 body (line breaks allowed), `-----END <label>-----`. */
const PEM_KEY =
  /^-----BEGIN ((?:[A-Z0-9]+ )*KEY)-----\r?\n?([A-Za-z0-9+/=\s]+?)\r?\n?-----END ((?:[A-Z0-9]+ )*KEY)-----$/;

/**
 * A required PEM-encoded key option (`-----BEGIN PRIVATE KEY-----`, `RSA PRIVATE KEY`,
 * `EC PRIVATE KEY`...): the BEGIN and END labels must match and the body between them be
 * base64; line breaks (`\n` or `\r\n`) are allowed, surrounding space is trimmed. The
 * error names the option and never quotes the value.
 *
 * @param value - The option's value.
 * @param option - The option's name, for the error (e.g. `privateKey`).
 */
export function keyOption(value: unknown, option: string): string {
  if (typeof value !== 'string' || !value.trim()) {
    throw new InvalidOptionsError(
      option,
      `${option} ${value === undefined ? 'is missing' : 'is empty or not a string'}; pass the PEM key as the vendor issued it.`,
    );
  }
  const key = value.trim();
  const match = PEM_KEY.exec(key);
  const body = match?.[2]?.replace(/\s/g, '') ?? '';
  const problem = !match
    ? 'is not a PEM key (-----BEGIN ... KEY----- , base64, -----END ... KEY-----)'
    : match[1] !== match[3]
      ? 'has BEGIN and END lines with different labels'
      : !body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0
        ? 'has a body that is not base64'
        : '';
  if (problem) {
    throw new InvalidOptionsError(
      option,
      `${option} ${problem}; pass the whole PEM file's text, line breaks included (e.g. read it with readFileSync(path, 'utf8')).`,
    );
  }
  return key;
}
