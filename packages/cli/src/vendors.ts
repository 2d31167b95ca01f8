// The three vendors as the CLI sees them: which credentials each takes, from which flags and
// environment variables, and how a client is made from them.
import type { TokenStore } from '@tokenwire/auth-middleware';
import { createCloudCxClient } from '@tokenwire/cloudcx';
import { CLOUDLX_BASE_URL, createCloudLxClient } from '@tokenwire/cloudlx';
import { createSensuClient, SENSU_BASE_URL } from '@tokenwire/sensu';

/** A vendor the CLI talks to. */
export type Vendor = 'cloudlx' | 'cloudcx' | 'sensu';

/** The vendors, in the order help text lists them. */
export const vendors: readonly Vendor[] = ['cloudlx', 'cloudcx', 'sensu'];

/** One credential a vendor takes. */
export type Field = 'baseUrl' | 'clientId' | 'clientSecret' | 'username' | 'password' | 'apiKey';

/** How each credential is named on the command line, and whether it is a secret. */
export const fields: Readonly<
  Record<Field, { flag: string; label: string; secret: boolean; stdinFlag?: string }>
> = {
  baseUrl: { flag: 'base-url', label: 'base URL', secret: false },
  clientId: { flag: 'client-id', label: 'client id', secret: false },
  clientSecret: {
    flag: 'client-secret',
    label: 'client secret',
    secret: true,
    stdinFlag: 'client-secret-stdin',
  },
  username: { flag: 'username', label: 'username', secret: false },
  password: { flag: 'password', label: 'password', secret: true, stdinFlag: 'password-stdin' },
  apiKey: { flag: 'api-key', label: 'API key', secret: true, stdinFlag: 'api-key-stdin' },
};

/** What a vendor accepts: its title, default base URL, variables and credential sets. */
export interface VendorInfo {
  readonly title: string;
  readonly defaultBaseUrl?: string;
  /** The environment variable of each credential the vendor takes. */
  readonly env: Partial<Record<Field, string>>;
  /** The credential sets the vendor accepts, the token grant first (besides the base URL). */
  readonly modes: readonly (readonly Field[])[];
  /** The `Authorization` scheme of an API key, for the curl recipes. */
  readonly apiKeyScheme?: string;
}

/** The vendors' credentials. */
export const vendorInfo: Readonly<Record<Vendor, VendorInfo>> = {
  cloudlx: {
    title: 'CloudLX',
    defaultBaseUrl: CLOUDLX_BASE_URL,
    env: {
      baseUrl: 'CLOUDLX_BASE_URL',
      clientId: 'CLOUDLX_CLIENT_ID',
      clientSecret: 'CLOUDLX_CLIENT_SECRET',
    },
    modes: [['clientId', 'clientSecret']],
  },
  cloudcx: {
    title: 'CloudCX',
    env: {
      baseUrl: 'CLOUDCX_BASE_URL',
      clientId: 'CLOUDCX_CLIENT_ID',
      clientSecret: 'CLOUDCX_CLIENT_SECRET',
      username: 'CLOUDCX_USERNAME',
      password: 'CLOUDCX_PASSWORD',
      apiKey: 'CLOUDCX_API_KEY',
    },
    modes: [['clientId', 'clientSecret', 'username', 'password'], ['apiKey']],
    apiKeyScheme: 'Bearer',
  },
  sensu: {
    title: 'Sensu Go',
    defaultBaseUrl: SENSU_BASE_URL,
    env: {
      baseUrl: 'SENSU_BASE_URL',
      username: 'SENSU_USERNAME',
      password: 'SENSU_PASSWORD',
      apiKey: 'SENSU_API_KEY',
    },
    modes: [['username', 'password'], ['apiKey']],
    apiKeyScheme: 'Key',
  },
};

/** Whether `name` is a vendor. */
export function isVendor(name: string | undefined): name is Vendor {
  return name !== undefined && (vendors as readonly string[]).includes(name);
}

/** Resolved credentials: a base URL and one complete credential set. */
export type Credentials = Partial<Record<Field, string>> & { baseUrl: string };

/** The secrets among `credentials`, to scrub from anything printed. */
export function secretsOf(credentials: Partial<Record<Field, string>>): string[] {
  return (Object.keys(credentials) as Field[])
    .filter((field) => fields[field].secret)
    .map((field) => credentials[field] ?? '')
    .filter((value) => value !== '');
}

/** Whether the credentials are an API key (no token to manage). */
export function usesApiKey(credentials: Partial<Record<Field, string>>): boolean {
  return credentials.apiKey !== undefined;
}

/** The fetch a client sends with, beneath its auth layer (the clients' `fetch` option). */
export type SendFetch = (request: Request, init?: RequestInit) => Promise<Response>;

/** What every client the CLI makes shares: the store and the fetch beneath the auth layer. */
export interface ClientSetup {
  readonly store: TokenStore;
  readonly fetch: SendFetch;
}

/** The methods of an openapi-fetch client the CLI calls, by HTTP method. */
export type Caller = (
  path: string,
  init: object,
) => Promise<{
  data?: unknown;
  error?: unknown;
  response: Response;
}>;

/** The parts of a vendor client the CLI uses, whatever the vendor. */
export interface AnyClient {
  readonly auth: {
    getAccessToken(signal?: AbortSignal): Promise<string>;
    refresh(signal?: AbortSignal): Promise<void>;
    invalidate(): Promise<void>;
    logout?(signal?: AbortSignal): Promise<void>;
  };
  /** `GET`, `POST`... of the openapi-fetch client. */
  method(name: string): Caller;
}

function wrap(client: object & { auth: AnyClient['auth'] }): AnyClient {
  return {
    auth: client.auth,
    method: (name) => {
      const call = (client as unknown as Record<string, Caller | undefined>)[name];
      if (typeof call !== 'function') throw new TypeError(`The client has no ${name} method.`);
      return call.bind(client);
    },
  };
}

/** A vendor client for `credentials`, keeping its tokens in `setup.store`. */
export function createClient(vendor: Vendor, credentials: Credentials, setup: ClientSetup) {
  const common = { baseUrl: credentials.baseUrl, store: setup.store, fetch: setup.fetch };
  const { clientId = '', clientSecret = '', username = '', password = '', apiKey } = credentials;
  switch (vendor) {
    case 'cloudlx':
      return wrap(createCloudLxClient({ ...common, clientId, clientSecret }));
    case 'cloudcx':
      return wrap(
        createCloudCxClient({
          ...common,
          auth: apiKey === undefined ? { clientId, clientSecret, username, password } : { apiKey },
        }),
      );
    case 'sensu':
      return wrap(
        createSensuClient({
          ...common,
          auth: apiKey === undefined ? { username, password } : { apiKey },
        }),
      );
  }
}
