import {
  createTokenAuth,
  InvalidOptionsError,
  type RequestFetch,
} from '@tokenwire/auth-middleware';
import {
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
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/schema';

/** CloudLX's production API. */
export const CLOUDLX_BASE_URL = 'https://cloudlx.epsilontel.com';

/** The options of {@link createCloudLxClient}: the credentials, and the common ones. */
export interface CloudLxClientOptions extends CommonClientOptions {
  /** Default `https://cloudlx.epsilontel.com`. */
  baseUrl?: string;
  /** The client ID from the CloudLX portal's API Applications section. */
  clientId: string;
  /** The client secret from the same place. */
  clientSecret: string;
  /** The API version of the vendor media type `application/vnd.cloudlx.<v>+json`. Default `v1`. */
  apiVersion?: string;
}

/** An operation of the generated `paths` whose `Accept` header parameter is optional. */
export type OptionalAccept<Operation> = Operation extends {
  /** An operation that has parameters... */
  parameters: {
    /** ...among them header parameters. */
    header: infer Header;
  };
}
  ? Omit<Operation, 'parameters'> & {
      /** The operation's parameters, with `header` optional. */
      parameters: Omit<Operation['parameters'], 'header'> & {
        /** The header parameters, `Accept` optional. */
        header?: Omit<Header, 'Accept'> & {
          /** Default: the client's vendor type, then `application/json`. */
          Accept?: string;
        };
      };
    }
  : Operation;

/**
 * The generated `paths` with the `Accept` header made optional: the client sends the vendor
 * media type on every request itself.
 */
export type CloudLxPaths = {
  [Path in keyof paths]: {
    [Key in keyof paths[Path]]: Key extends 'parameters'
      ? paths[Path][Key]
      : OptionalAccept<paths[Path][Key]>;
  };
};

/**
 * A typed openapi-fetch client of the CloudLX API, with its token controls. A failed call
 * resolves with `error` set, never empty (see the README).
 */
export type CloudLxClient = Client<CloudLxPaths> & {
  /** The token controls: `getAccessToken`, `refresh`, `invalidate`. */
  readonly auth: ClientAuthControls;
};

/**
 * A typed CloudLX client. Tokens are acquired with the client credentials on first use,
 * refreshed at `/api/oauth2/refresh-token` before they expire (the rotated refresh token is
 * stored), re-acquired when the refresh token is refused or past its 7 days, and a 401 is
 * replayed once. Every request, token requests included, sends
 * `Accept: application/vnd.cloudlx.v1+json, application/json` (the version in the vendor
 * type; the second entry lets a Prism mock of the spec answer) unless the call sets its own.
 */
export function createCloudLxClient(options: CloudLxClientOptions): CloudLxClient {
  const { baseUrl: baseUrlInput, apiVersion = 'v1', ...rest } = options;
  const {
    credentials: { clientId: idInput, clientSecret: secretInput },
    manager,
    client: clientOptions,
    fetch: send,
  } = splitClientOptions(rest, ['clientId', 'clientSecret']);
  const baseUrl = baseUrlOption(baseUrlInput ?? CLOUDLX_BASE_URL);
  const clientId = stringOption(idInput, 'clientId');
  const clientSecret = stringOption(secretInput, 'clientSecret');
  if (!/^v\d+$/.test(apiVersion)) {
    throw new InvalidOptionsError(
      'apiVersion',
      `apiVersion must look like "v1", got "${apiVersion}".`,
    );
  }
  // The server reads the version out of the vendor type wherever it sits in the header;
  // `application/json` (what it really answers) lets strict content negotiators, such as a
  // Prism mock of the spec, pick a response.
  const accept = `application/vnd.cloudlx.${apiVersion}+json, application/json`;
  // This Accept goes on every request unless a call chose its own.
  const vendorFetch: RequestFetch = (request, init) => {
    const current = request.headers.get('accept');
    if (current === null || current === '*/*') request.headers.set('Accept', accept);
    return send(request, init);
  };

  // Token requests go through a typed client of the same spec, without the auth layer.
  const tokenClient = createClient<CloudLxPaths>({ ...clientOptions, baseUrl, fetch: vendorFetch });
  const strategy: GrantStrategy = {
    name: 'cloudlx',
    identity: [baseUrl, clientId, clientSecret],
    secrets: [clientSecret],
    tokenUrls: [`${baseUrl}/api/oauth2/access-token`, `${baseUrl}/api/oauth2/refresh-token`],
    acquire: {
      request: (_input, { signal }) =>
        rawResponse(vendorFetch, signal, (init) =>
          tokenClient.POST('/api/oauth2/access-token', {
            ...init,
            ...FORM_ENCODED,
            body: {
              grant_type: 'client_credentials',
              client_id: clientId,
              client_secret: clientSecret,
            },
          }),
        ),
      process: (response, _input, context) => processOAuth2TokenResponse(response, context),
    },
    refresh: {
      request: (current, { signal }) =>
        rawResponse(vendorFetch, signal, (init) =>
          tokenClient.POST('/api/oauth2/refresh-token', {
            ...init,
            ...FORM_ENCODED,
            body: {
              grant_type: 'refresh_token',
              refresh_token: current.refreshToken ?? '',
              client_id: clientId,
              client_secret: clientSecret,
            },
          }),
        ),
      process: (response, _input, context) => processOAuth2TokenResponse(response, context),
    },
  };
  const auth = createTokenAuth({ ...manager, strategy });
  const fetch = auth.wrapFetch(vendorFetch);
  const client = withTypedErrors(
    createClient<CloudLxPaths>({ ...clientOptions, baseUrl, fetch }),
    fetch,
  );
  return Object.assign(client, { auth: tokenControls(auth) });
}
