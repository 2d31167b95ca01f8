import type { TokenAuth } from './auth';
import { InvalidOptionsError } from './errors';

/** The token controls every vendor client exposes as `client.auth`. */
export interface ClientAuthControls {
  /**
   * The current access token, acquiring or refreshing it first if needed. An API-key client
   * rejects with an InvalidOptionsError: it has no token.
   */
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** Refreshes now (falling back to the primary grant when the refresh is refused). */
  refresh(signal?: AbortSignal): Promise<void>;
  /** Forgets the stored tokens; the next request gets new ones. */
  invalidate(): Promise<void>;
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

/**
 * `client.auth` of a client that sends a fixed API key: there is no token to manage, so
 * `refresh` and `invalidate` do nothing and `getAccessToken` rejects.
 *
 * @param option - The option the key came in (e.g. `auth.apiKey`), named in the error.
 */
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
