// One token call and one resource call per vendor, as a client sends them, for tests that
// run the same scenario against all three sandboxes over HTTP.
import type { StartSandboxOptions } from '../start-sandbox';
import { type RunningSandbox, startSandbox } from '../start-sandbox';
import { basic, cloudlxAccept, cloudlxGrant, formPost } from './requests';

export type AnySandbox =
  | RunningSandbox<'cloudlx'>
  | RunningSandbox<'cloudcx'>
  | RunningSandbox<'sensu'>;

type Settings = Omit<StartSandboxOptions, 'vendor' | 'credentials' | 'issueRefreshTokens'>;

/** Starts one vendor on an ephemeral loopback port, typed so that `vendor` narrows it. */
export async function startVendor(
  vendor: AnySandbox['vendor'],
  settings: Settings = {},
): Promise<AnySandbox> {
  switch (vendor) {
    case 'cloudlx':
      return startSandbox({ ...settings, vendor, port: 0 });
    case 'cloudcx':
      return startSandbox({ ...settings, vendor, port: 0 });
    case 'sensu':
      return startSandbox({ ...settings, vendor, port: 0 });
  }
}

export interface VendorCalls {
  /** The primary grant (client credentials, password grant, Sensu `GET /auth`). */
  token(init?: RequestInit): Promise<Response>;
  /** A resource call with valid credentials (a token fetched up front, or an API key). */
  api(init?: RequestInit): Promise<Response>;
}

/** The calls of one sandbox; for CloudLX this gets the resource token first (no fault yet). */
export async function vendorCalls(sandbox: AnySandbox): Promise<VendorCalls> {
  const at = (path: string) => `${sandbox.url}${path}`;
  switch (sandbox.vendor) {
    case 'cloudlx': {
      const { clientId, clientSecret } = sandbox.credentials;
      const { access_token: token } = await cloudlxGrant(
        fetch,
        sandbox.url,
        clientId,
        clientSecret,
      );
      return {
        token: (init = {}) =>
          fetch(at('/api/oauth2/access-token'), {
            ...formPost(
              {
                grant_type: 'client_credentials',
                client_id: clientId,
                client_secret: clientSecret,
              },
              { accept: cloudlxAccept },
            ),
            ...init,
          }),
        api: (init = {}) =>
          fetch(at('/api/services'), {
            headers: { accept: cloudlxAccept, authorization: `Bearer ${token}` },
            ...init,
          }),
      };
    }
    case 'cloudcx': {
      const c = sandbox.credentials;
      return {
        token: (init = {}) =>
          fetch(at('/oauth/token'), {
            ...formPost({
              grant_type: 'password',
              client_id: c.clientId,
              client_secret: c.clientSecret,
              username: c.username,
              password: c.password,
            }),
            ...init,
          }),
        api: (init = {}) =>
          fetch(at('/openapi/v2/user/page'), {
            headers: { authorization: `Bearer ${c.apiKey}` },
            ...init,
          }),
      };
    }
    case 'sensu': {
      const s = sandbox.credentials;
      return {
        token: (init = {}) =>
          fetch(at('/auth'), {
            headers: { authorization: basic(s.username, s.password) },
            ...init,
          }),
        api: (init = {}) =>
          fetch(at('/api/core/v2/namespaces'), {
            headers: { authorization: `Key ${s.apiKey}` },
            ...init,
          }),
      };
    }
  }
}

export const vendors = ['cloudlx', 'cloudcx', 'sensu'] as const;
