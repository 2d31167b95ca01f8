import { createTokenAuth, InvalidOptionsError } from '@tokenwire/auth-middleware';
import {
  apiKeyAuth,
  baseUrlOption,
  type ClientAuthControls,
  type CommonClientOptions,
  FORM_ENCODED,
  type GrantStrategy,
  processOAuth2TokenResponse,
  rawResponse,
  splitClientOptions,
  stringOption,
  tokenControls,
  withTypedErrors,
} from '@tokenwire/auth-middleware/vendor-kit';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { CloudCxApiError } from './errors';
import type { components, paths } from './generated/schema';

/** OAuth2 password grant: the OAuth client plus a Control Panel user. */
export interface CloudCxPasswordAuth {
  /** The OAuth client's ID (Control Panel: Global Settings > Security > OAuth Client). */
  clientId: string;
  /** The OAuth client's secret. Never logged. */
  clientSecret: string;
  /** The Control Panel user the tokens act as. */
  username: string;
  /** That user's password. Never logged. */
  password: string;
}

/** An API key created in the Control Panel, sent as `Authorization: Bearer <key>`. */
export interface CloudCxApiKeyAuth {
  /** The key from Global Settings > Security > API Key, as shown. Never logged. */
  apiKey: string;
}

/** The options of {@link createCloudCxClient}: the tenant, the credentials, and the common ones. */
export interface CloudCxClientOptions extends CommonClientOptions {
  /** Your tenant's Control Panel origin, e.g. `https://cx.cloudfon.net:9001` (required). */
  baseUrl: string;
  /** Password-grant credentials, or an API key: one or the other. */
  auth: CloudCxPasswordAuth | CloudCxApiKeyAuth;
}

/** One user of the paged user list (`GET /openapi/v2/user/page`). */
export type CloudCxUser = components['schemas']['User'];

/**
 * A typed openapi-fetch client of the CloudCX API, with its token controls and a paging
 * helper. A failed call resolves with `error` set, never empty (see the README).
 */
export interface CloudCxClient extends Client<paths> {
  /** The token controls (an API-key client has no token to manage). */
  readonly auth: ClientAuthControls;
  /** Every user, page after page (1-based `pageIndex`), as one async iterator. */
  iterateUsers(
    query?: { pageSize?: number; keywords?: string },
    init?: { signal?: AbortSignal },
  ): AsyncGenerator<CloudCxUser, void, undefined>;
}

const SUCCESS = '0000';

/** Turns any envelope whose `code` is not "0000" into a thrown CloudCxApiError. */
const envelopeCheck: Middleware = {
  async onResponse({ response }) {
    if (!response.ok || !response.headers.get('content-type')?.includes('json')) return undefined;
    let body: unknown;
    try {
      body = await response.clone().json();
    } catch {
      return undefined;
    }
    if (typeof body !== 'object' || body === null || !('code' in body)) return undefined;
    const { code, message } = body as { code: unknown; message?: unknown };
    if (code === SUCCESS) return undefined;
    throw new CloudCxApiError(
      String(code),
      typeof message === 'string' ? message : null,
      response.status,
      response,
    );
  },
};

function passwordAuth(auth: object): auth is CloudCxPasswordAuth {
  return ['clientId', 'clientSecret', 'username', 'password'].some((key) => key in auth);
}

/**
 * A typed CloudCX client for one tenant. With `auth: { clientId, clientSecret, username,
 * password }` it uses the OAuth2 password grant (form-encoded), refreshes with the
 * `refresh_token` grant when one was issued (else repeats the password grant), and replays
 * a 401 once. With `auth: { apiKey }` it sends `Authorization: Bearer <key>` and never calls
 * `/oauth/token`. Envelopes whose `code` is not `"0000"` reject with a CloudCxApiError.
 */
export function createCloudCxClient(options: CloudCxClientOptions): CloudCxClient {
  const { baseUrl: baseUrlInput, ...rest } = options;
  const {
    credentials: { auth: authInput },
    manager,
    client: clientOptions,
    fetch: send,
  } = splitClientOptions(rest, ['auth']);
  const baseUrl = baseUrlOption(baseUrlInput);
  if (typeof authInput !== 'object' || authInput === null) {
    throw new InvalidOptionsError(
      'auth',
      'auth is missing: pass { clientId, clientSecret, username, password } or { apiKey }.',
    );
  }
  const hasKey = 'apiKey' in authInput;
  if (hasKey && passwordAuth(authInput)) {
    throw new InvalidOptionsError(
      'auth',
      'auth has both an apiKey and password-grant credentials: pass one or the other.',
    );
  }

  let controls: ClientAuthControls;
  let fetch = send;
  if (hasKey) {
    ({ fetch, controls } = apiKeyAuth({
      apiKey: authInput.apiKey,
      scheme: 'Bearer',
      manager,
      fetch: send,
    }));
  } else {
    const clientId = stringOption(authInput.clientId, 'auth.clientId');
    const clientSecret = stringOption(authInput.clientSecret, 'auth.clientSecret');
    const username = stringOption(authInput.username, 'auth.username');
    const password = stringOption(authInput.password, 'auth.password');
    const tokenClient = createClient<paths>({ ...clientOptions, baseUrl, fetch: send });
    const requestToken = (body: components['schemas']['TokenRequest'], signal: AbortSignal) =>
      rawResponse(send, signal, (init) =>
        tokenClient.POST('/oauth/token', { ...init, ...FORM_ENCODED, body }),
      );
    const strategy: GrantStrategy = {
      name: 'cloudcx',
      identity: [baseUrl, clientId, clientSecret, username, password],
      secrets: [clientSecret, password],
      tokenUrls: [`${baseUrl}/oauth/token`],
      acquire: {
        request: (_input, { signal }) =>
          requestToken(
            {
              grant_type: 'password',
              client_id: clientId,
              client_secret: clientSecret,
              username,
              password,
            },
            signal,
          ),
        process: (response, _input, context) => processOAuth2TokenResponse(response, context),
      },
      refresh: {
        request: (current, { signal }) =>
          requestToken(
            {
              grant_type: 'refresh_token',
              client_id: clientId,
              client_secret: clientSecret,
              refresh_token: current.refreshToken ?? '',
            },
            signal,
          ),
        process: (response, _input, context) => processOAuth2TokenResponse(response, context),
      },
    };
    const auth = createTokenAuth({ ...manager, strategy });
    fetch = auth.wrapFetch(send);
    controls = tokenControls(auth);
  }

  const client = withTypedErrors(createClient<paths>({ ...clientOptions, baseUrl, fetch }), fetch);
  client.use(envelopeCheck);

  async function* iterateUsers(
    query: { pageSize?: number; keywords?: string } = {},
    init: { signal?: AbortSignal } = {},
  ): AsyncGenerator<CloudCxUser, void, undefined> {
    for (let pageIndex = 1; ; pageIndex++) {
      const { data, response } = await client.GET('/openapi/v2/user/page', {
        params: { query: { ...query, pageIndex } },
        ...(init.signal ? { signal: init.signal } : {}),
      });
      if (!data)
        throw new CloudCxApiError(`HTTP_${response.status}`, null, response.status, response);
      const page = data.data;
      if (!page) return;
      yield* page.content;
      if (pageIndex >= page.totalPages || page.content.length === 0) return;
    }
  }

  return Object.assign(client, { auth: controls, iterateUsers });
}
