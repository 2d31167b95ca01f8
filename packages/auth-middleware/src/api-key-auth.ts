import type { CallOptions, RequestFetch } from './auth';
import { createStaticAuth } from './auth';
import { apiKeyControls, type ClientAuthControls } from './auth-controls';
import { staticAuthOptions, stringOption } from './client-options';
import type { TokenManagerOptions } from './token-manager';

/** What {@link apiKeyAuth} needs: the key, how the vendor sends it, and the client's options. */
export interface ApiKeyAuthOptions {
  /** The key as the user passed it; checked with {@link stringOption}. */
  apiKey: unknown;
  /** The option it came in, named in errors. @defaultValue `'auth.apiKey'` */
  option?: string;
  /** The `Authorization` scheme, e.g. `Bearer` (CloudCX) or `Key` (Sensu). */
  scheme: string;
  /** The client's manager options (from {@link splitClientOptions}). */
  manager: TokenManagerOptions & CallOptions;
  /** The fetch to send with, beneath the key. */
  fetch: RequestFetch;
}

/** The API-key side of a vendor client: its fetch and its `client.auth`. */
export interface ApiKeyClientAuth {
  /** Sends `Authorization: <scheme> <key>` on every request. */
  fetch: RequestFetch;
  /** `client.auth`: no token to manage (see {@link apiKeyControls}). */
  controls: ClientAuthControls;
}

/**
 * The API-key branch of a vendor client: checks the key, sends it as
 * `Authorization: <scheme> <key>` with the same transport safety, retries, timeout and
 * observability as token auth, and never calls a token endpoint. A 401 comes back as it is
 * (there is nothing to refresh).
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): ApiKeyClientAuth {
  const option = options.option ?? 'auth.apiKey';
  const apiKey = stringOption(options.apiKey, option);
  const auth = createStaticAuth({
    headers: { Authorization: `${options.scheme} ${apiKey}` },
    ...staticAuthOptions(options.manager),
  });
  return { fetch: auth.wrapFetch(options.fetch), controls: apiKeyControls(option) };
}
