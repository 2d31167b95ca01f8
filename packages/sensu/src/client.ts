import {
  ApiResponseError,
  type AuthError,
  createTokenAuth,
  InvalidOptionsError,
  type TokenAuth,
  type TokenSet,
} from '@tokenwire/auth-middleware';
import {
  apiKeyAuth,
  baseUrlOption,
  basicAuthorization,
  type ClientAuthControls,
  type CommonClientOptions,
  expiresAtFromEpochSeconds,
  type GrantContext,
  type GrantStrategy,
  optionalLifetime,
  rawResponse,
  readJsonObject,
  requireString,
  splitClientOptions,
  stringOption,
  tokenControls,
  tokenEndpointError,
  withTypedErrors,
} from '@tokenwire/auth-middleware/vendor-kit';
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/schema';

/** A Sensu backend's default API address. */
export const SENSU_BASE_URL = 'http://127.0.0.1:8080';

/** A Sensu user: exchanged at `GET /auth` (HTTP Basic) for a 5-minute JWT. */
export interface SensuPasswordAuth {
  /** The Sensu user. */
  username: string;
  /** That user's password. Never logged. */
  password: string;
}

/** A Sensu API key (a UUID), sent as `Authorization: Key <api-key>`. */
export interface SensuApiKeyAuth {
  /** The key (a UUID) from `sensuctl api-key grant`. Never logged. */
  apiKey: string;
}

/** The options of {@link createSensuClient}: the backend, the credentials, and the common ones. */
export interface SensuClientOptions extends CommonClientOptions {
  /** Default `http://127.0.0.1:8080`. */
  baseUrl?: string;
  /** A username and password, or an API key: one or the other. */
  auth: SensuPasswordAuth | SensuApiKeyAuth;
}

/** One entity of a namespace's entity list. */
export type SensuEntity = components['schemas']['Entity'];

/**
 * Sensu's `client.auth`: the token controls plus `test` and `logout`. With an API key,
 * `test` and `logout` reject with an InvalidOptionsError.
 */
export interface SensuAuthControls extends ClientAuthControls {
  /** Checks the username and password with `GET /auth/test`: `true` if accepted, `false` if refused. */
  test(signal?: AbortSignal): Promise<boolean>;
  /** Ends the session (`POST /auth/logout`), then forgets the stored tokens. */
  logout(signal?: AbortSignal): Promise<void>;
}

/**
 * A typed openapi-fetch client of the Sensu Go API, with its token controls and a paging
 * helper. A failed call resolves with `error` set, never empty (see the README).
 */
export interface SensuClient extends Client<paths> {
  /** The token controls, `test()` and `logout()`. */
  readonly auth: SensuAuthControls;
  /** Every entity of a namespace, page after page (`limit` / `Sensu-Continue`), as one async iterator. */
  iterateEntities(
    namespace: string,
    options?: { limit?: number; signal?: AbortSignal },
  ): AsyncGenerator<SensuEntity, void, undefined>;
}

/**
 * Validates Sensu's token response: `access_token`, `refresh_token` and the absolute
 * `expires_at` (epoch seconds, set by the backend's clock: judged against the response's
 * `Date` header, so a backend minutes off ours causes no refresh storm).
 */
async function processSensuTokenResponse(
  response: Response,
  context: GrantContext,
): Promise<TokenSet> {
  const { now } = context;
  const body = await readJsonObject(response);
  const expiresAt = optionalLifetime(body, 'expires_at', context);
  const tokens: TokenSet = {
    accessToken: requireString(body, 'access_token'),
    refreshToken: requireString(body, 'refresh_token'),
    obtainedAt: now,
    tokenType: 'Bearer',
  };
  return expiresAt === undefined
    ? tokens
    : { ...tokens, expiresAt: expiresAtFromEpochSeconds(expiresAt, { response, now }) };
}

/**
 * A typed Sensu Go client. With `auth: { username, password }` it exchanges HTTP Basic for
 * a JWT at `GET /auth`, refreshes at `POST /auth/token` with the current (possibly expired)
 * access token plus the refresh token, always stores the rotated refresh token (Sensu ends
 * the session when an old one is reused), falls back to `GET /auth` when a refresh is
 * refused, and replays a 401 once. With `auth: { apiKey }` it sends `Authorization: Key <key>`.
 */
export function createSensuClient(options: SensuClientOptions): SensuClient {
  const { baseUrl: baseUrlInput, ...rest } = options;
  const {
    credentials: { auth: authInput },
    manager,
    client: clientOptions,
    fetch: send,
  } = splitClientOptions(rest, ['auth']);
  const baseUrl = baseUrlOption(baseUrlInput ?? SENSU_BASE_URL);
  if (typeof authInput !== 'object' || authInput === null) {
    throw new InvalidOptionsError(
      'auth',
      'auth is missing: pass { username, password } or { apiKey }.',
    );
  }
  const hasKey = 'apiKey' in authInput;
  if (hasKey && ('username' in authInput || 'password' in authInput)) {
    throw new InvalidOptionsError(
      'auth',
      'auth has both an apiKey and a username/password: pass one or the other.',
    );
  }
  const tokenClient = createClient<paths>({ ...clientOptions, baseUrl, fetch: send });

  let fetch = send;
  let auth: SensuAuthControls;
  if (hasKey) {
    const keyAuth = apiKeyAuth({ apiKey: authInput.apiKey, scheme: 'Key', manager, fetch: send });
    fetch = keyAuth.fetch;
    const notForKeys = async (): Promise<never> => {
      throw new InvalidOptionsError(
        'auth.apiKey',
        'test() and logout() need a username and password; this client uses an API key.',
      );
    };
    auth = { ...keyAuth.controls, test: notForKeys, logout: notForKeys };
  } else {
    const username = stringOption(authInput.username, 'auth.username');
    const password = stringOption(authInput.password, 'auth.password');
    const basic = basicAuthorization(username, password);
    const strategy: GrantStrategy = {
      name: 'sensu',
      identity: [baseUrl, username, password],
      secrets: [password, basic.slice('Basic '.length)],
      tokenUrls: [
        `${baseUrl}/auth`,
        `${baseUrl}/auth/token`,
        `${baseUrl}/auth/test`,
        `${baseUrl}/auth/logout`,
      ],
      acquire: {
        request: (_input, { signal }) =>
          rawResponse(send, signal, (init) =>
            tokenClient.GET('/auth', { ...init, headers: { Authorization: basic } }),
          ),
        process: (response, _input, context) => processSensuTokenResponse(response, context),
      },
      refresh: {
        request: (current, { signal }) =>
          rawResponse(send, signal, (init) =>
            tokenClient.POST('/auth/token', {
              ...init,
              headers: { Authorization: `Bearer ${current.accessToken}` },
              body: { refresh_token: current.refreshToken ?? '' },
            }),
          ),
        process: (response, _input, context) => processSensuTokenResponse(response, context),
      },
    };
    const tokenAuth: TokenAuth = createTokenAuth({ ...manager, strategy });
    fetch = tokenAuth.wrapFetch(send);
    const endpointError = (response: Response, what: string): Promise<AuthError> =>
      tokenEndpointError(response, { what, secrets: strategy.secrets, now: Date.now() });
    auth = {
      ...tokenControls(tokenAuth),
      async test(signal) {
        const response = await rawResponse(send, signal, (init) =>
          tokenClient.GET('/auth/test', { ...init, headers: { Authorization: basic } }),
        );
        if (response.ok) return true;
        if (response.status === 401) return false;
        throw await endpointError(response, 'The Sensu credentials test');
      },
      async logout(signal) {
        const tokens = await tokenAuth.manager.store.get(await tokenAuth.manager.key());
        if (!tokens?.refreshToken) return tokenAuth.invalidate();
        const response = await rawResponse(send, signal, (init) =>
          tokenClient.POST('/auth/logout', {
            ...init,
            headers: { Authorization: `Bearer ${tokens.accessToken}` },
            body: { refresh_token: tokens.refreshToken ?? '' },
          }),
        ).finally(() => tokenAuth.invalidate());
        // 401: the session had already ended, which is what logout wants.
        if (!response.ok && response.status !== 401)
          throw await endpointError(response, 'The Sensu logout');
      },
    };
  }

  const client = withTypedErrors(createClient<paths>({ ...clientOptions, baseUrl, fetch }), fetch);

  async function* iterateEntities(
    namespace: string,
    { limit = 100, signal }: { limit?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<SensuEntity, void, undefined> {
    let next: string | undefined;
    do {
      const { data, error, response } = await client.GET(
        '/api/core/v2/namespaces/{namespace}/entities',
        {
          params: { path: { namespace }, query: { limit, ...(next ? { continue: next } : {}) } },
          ...(signal ? { signal } : {}),
        },
      );
      if (!data) {
        throw new ApiResponseError(
          `Listing Sensu entities in "${namespace}" failed with HTTP ${response.status}${typeof error === 'string' ? `: ${error.trim().slice(0, 200)}` : ''}.`,
          { status: response.status, body: error, response },
        );
      }
      yield* data;
      next = response.headers.get('Sensu-Continue') ?? undefined;
    } while (next);
  }

  return Object.assign(client, { auth, iterateEntities });
}
