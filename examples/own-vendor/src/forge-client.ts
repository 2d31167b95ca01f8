// #region imports
import { createTokenAuth } from '@tokenwire/auth-middleware';
import {
  baseUrlOption,
  type ClientAuthControls,
  type CommonClientOptions,
  expiresAtFromIsoTimestamp,
  type GrantStrategy,
  keyOption,
  rawResponse,
  readJsonObject,
  requireString,
  splitClientOptions,
  stringOption,
  tokenControls,
  withTypedErrors,
} from '@tokenwire/auth-middleware/vendor-kit';
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './paths';
// #endregion imports

// #region options
/** The options of {@link createForgeClient}: the App's credentials, and the common ones. */
export interface ForgeClientOptions extends CommonClientOptions {
  /** The API's base URL, e.g. `https://api.forge.example`. */
  baseUrl: string;
  /** The App's id: the `iss` of its assertions. */
  appId: string;
  /** The installation whose token to get. */
  installationId: string;
  /** The App's RSA private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  privateKey: string;
}

/** A typed Forge client with its token controls. */
export type ForgeClient = Client<paths> & {
  /** `getAccessToken`, `refresh`, `invalidate`. */
  readonly auth: ClientAuthControls;
};
// #endregion options

// #region assertion
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
const utf8 = (text: string) => new TextEncoder().encode(text);

/** An RS256 JWT `{ iss: appId, iat, exp }` signed with Web Crypto; `now` in epoch ms. */
async function signAssertion(privateKeyPem: string, appId: string, now: number) {
  const der = Uint8Array.from(atob(privateKeyPem.replace(/-----[^-]+-----|\s/g, '')), (char) =>
    char.charCodeAt(0),
  );
  const key = await crypto.subtle.importKey(
    'pkcs8',
    der,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const seconds = Math.floor(now / 1000);
  const header = base64url(utf8(JSON.stringify({ alg: 'RS256', typ: 'JWT' })));
  const claims = base64url(
    utf8(JSON.stringify({ iss: appId, iat: seconds - 60, exp: seconds + 540 })),
  );
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, utf8(`${header}.${claims}`));
  return `${header}.${claims}.${base64url(new Uint8Array(signature))}`;
}
// #endregion assertion

// #region setup
/**
 * A typed Forge client. An installation token is requested with a fresh signed assertion
 * on first use, renewed before its `expires_at` (a new grant each time: there is no refresh
 * token), and a 401 is replayed once with a new token.
 */
export function createForgeClient(options: ForgeClientOptions): ForgeClient {
  const { baseUrl: baseUrlInput, ...rest } = options;
  const {
    credentials,
    manager,
    client,
    fetch: send,
  } = splitClientOptions(rest, ['appId', 'installationId', 'privateKey']);
  const baseUrl = baseUrlOption(baseUrlInput);
  const appId = stringOption(credentials.appId, 'appId');
  const installationId = stringOption(credentials.installationId, 'installationId');
  const privateKey = keyOption(credentials.privateKey, 'privateKey');
  // #endregion setup

  // #region strategy
  const tokenClient = createClient<paths>({ ...client, baseUrl, fetch: send });
  const strategy: GrantStrategy = {
    name: 'forge',
    identity: [baseUrl, appId, installationId, privateKey],
    secrets: [privateKey],
    tokenUrls: [`${baseUrl}/app/installations/${installationId}/access_tokens`],
    acquire: {
      request: async (_input, context) => {
        const assertion = await signAssertion(privateKey, appId, context.now);
        context.secret(assertion);
        return rawResponse(send, context.signal, (init) =>
          tokenClient.POST('/app/installations/{installation_id}/access_tokens', {
            ...init,
            params: { path: { installation_id: installationId } },
            headers: { Authorization: `Bearer ${assertion}` },
          }),
        );
      },
      process: async (response, _input, { now }) => {
        const body = await readJsonObject(response);
        return {
          accessToken: requireString(body, 'token'),
          obtainedAt: now,
          expiresAt: expiresAtFromIsoTimestamp(body.expires_at, 'expires_at', { response, now }),
        };
      },
    },
    authorize: (headers, tokens) => headers.set('Authorization', `token ${tokens.accessToken}`),
  };
  // #endregion strategy

  // #region client
  const auth = createTokenAuth({ ...manager, strategy });
  const fetch = auth.wrapFetch(send);
  const api = withTypedErrors(createClient<paths>({ ...client, baseUrl, fetch }), fetch);
  return Object.assign(api, { auth: tokenControls(auth) });
}
// #endregion client
