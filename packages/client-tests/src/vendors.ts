// One adapter per vendor, so every scenario runs the same way against all three clients.
import type {
  AuthHooks,
  AuthLogger,
  RequestFetch,
  RetryOptions,
  TokenStore,
} from '@tokenwire/auth-middleware';
import type { ClientAuthControls } from '@tokenwire/auth-middleware/vendor-kit';
import { createCloudCxClient } from '@tokenwire/cloudcx';
import { createCloudLxClient } from '@tokenwire/cloudlx';
import {
  type Clock,
  createSandbox,
  type SandboxControl,
  startSandbox,
  type Vendor,
} from '@tokenwire/sandbox';
import { createSensuClient } from '@tokenwire/sensu';

/** What a client needs to reach a sandbox (also from another process). */
export interface ClientTarget {
  url: string;
  /** In-process: the sandbox's fetch. Over HTTP: the global fetch. */
  fetch: RequestFetch;
  /** The in-process origin is not loopback, so credentials need the opt-in there. */
  allowInsecureHttp: boolean;
  credentials: Record<string, string>;
}

/** Where a client sends its requests: a sandbox in this process or over loopback HTTP. */
export interface Target extends ClientTarget {
  vendor: Vendor;
  control: SandboxControl;
  close(): Promise<void>;
}

export type Mode = 'in-process' | 'http';

export async function openTarget(
  vendor: Vendor,
  mode: Mode,
  lifetimes: {
    accessTokenTtlSeconds?: number;
    refreshTokenTtlSeconds?: number;
    /** The sandbox's time source (default the system clock). */
    clock?: Clock;
  } = {},
): Promise<Target> {
  if (mode === 'in-process') {
    const sandbox = createSandbox({ vendor, ...lifetimes });
    return {
      vendor,
      url: sandbox.url,
      control: sandbox.control,
      fetch: (request) => sandbox.fetch(request),
      allowInsecureHttp: true,
      credentials: { ...sandbox.credentials },
      close: async () => sandbox.close(),
    };
  }
  const sandbox = await startSandbox({ vendor, port: 0, ...lifetimes });
  return {
    vendor,
    url: sandbox.url,
    control: sandbox.control,
    fetch: (request, init) => fetch(request, init),
    allowInsecureHttp: false,
    credentials: { ...sandbox.credentials },
    close: () => sandbox.close(),
  };
}

export interface ClientExtras {
  fetch?: RequestFetch;
  logger?: AuthLogger;
  hooks?: AuthHooks;
  timeoutMs?: number;
  requestTimeoutMs?: number | false;
  retry?: RetryOptions | false;
  refreshSkewMs?: number;
  clock?: () => number;
  store?: TokenStore;
  baseUrl?: string;
}

/** What every scenario needs from a client, whatever the vendor. */
export interface ClientUnderTest {
  auth: ClientAuthControls;
  /** A typed authenticated GET of a resource; resolves with its Response. */
  getResource(): Promise<Response>;
  /** The same GET, resolving with openapi-fetch's whole result. */
  getResult(): Promise<CallResult>;
  /** The raw request path every authenticated GET of `getResource` uses. */
  resourcePath: string;
  /**
   * POSTs a JSON body to `path` through the client's full stack. No vendor resource takes
   * a body, so tests route such a request to a resource themselves (see replay tests).
   */
  postJson(path: string, body: unknown): Promise<Response>;
}

/** What an openapi-fetch call resolves with. */
export interface CallResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

type Credentials = Record<string, string>;

function cred(credentials: Credentials, name: string): string {
  const value = credentials[name];
  if (value === undefined) throw new Error(`sandbox has no credential "${name}"`);
  return value;
}

function common(target: ClientTarget, extras: ClientExtras) {
  return {
    baseUrl: extras.baseUrl ?? target.url,
    fetch: extras.fetch ?? target.fetch,
    allowInsecureHttp: target.allowInsecureHttp,
    ...(extras.logger ? { logger: extras.logger } : {}),
    ...(extras.hooks ? { hooks: extras.hooks } : {}),
    ...(extras.timeoutMs === undefined ? {} : { timeoutMs: extras.timeoutMs }),
    ...(extras.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: extras.requestTimeoutMs }),
    ...(extras.retry === undefined ? {} : { retry: extras.retry }),
    ...(extras.refreshSkewMs === undefined ? {} : { refreshSkewMs: extras.refreshSkewMs }),
    ...(extras.clock ? { clock: extras.clock } : {}),
    ...(extras.store ? { store: extras.store } : {}),
  };
}

interface UntypedPost {
  POST(path: string, init: { body: unknown }): Promise<{ response: Response }>;
}

async function postVia(client: object, path: string, body: unknown): Promise<Response> {
  // No vendor resource takes a body; the path is routed by the test's own fetch.
  return (await (client as UntypedPost).POST(path, { body })).response;
}

export interface VendorAdapter {
  vendor: Vendor;
  /** Good password/secret credentials. */
  client(target: ClientTarget, extras?: ClientExtras, override?: Credentials): ClientUnderTest;
  /** The API-key mode, where the vendor has one. */
  apiKeyClient?(target: ClientTarget, extras?: ClientExtras): ClientUnderTest;
  /** Credentials with the secret part wrong. */
  wrong(target: Target): Credentials;
  /** The secrets a client of this vendor holds (must never leak). */
  secrets(credentials: Credentials): string[];
}

export const cloudlx: VendorAdapter = {
  vendor: 'cloudlx',
  client(target, extras = {}, override) {
    const credentials = override ?? target.credentials;
    const client = createCloudLxClient({
      ...common(target, extras),
      clientId: cred(credentials, 'clientId'),
      clientSecret: cred(credentials, 'clientSecret'),
    });
    return {
      auth: client.auth,
      resourcePath: '/api/services',
      getResource: async () => (await client.GET('/api/services')).response,
      getResult: () => client.GET('/api/services'),
      postJson: (path, body) => postVia(client, path, body),
    };
  },
  wrong: (target) => ({
    ...target.credentials,
    clientSecret: 'wrongSecretWrongSecretWrongSecret0000000',
  }),
  secrets: (c) => [cred(c, 'clientSecret')],
};

export const cloudcx: VendorAdapter = {
  vendor: 'cloudcx',
  client(target, extras = {}, override) {
    const credentials = override ?? target.credentials;
    const client = createCloudCxClient({
      ...common(target, extras),
      auth: {
        clientId: cred(credentials, 'clientId'),
        clientSecret: cred(credentials, 'clientSecret'),
        username: cred(credentials, 'username'),
        password: cred(credentials, 'password'),
      },
    });
    return {
      auth: client.auth,
      resourcePath: '/openapi/v2/user/page',
      getResource: async () =>
        (
          await client.GET('/openapi/v2/user/page', {
            params: { query: { pageIndex: 1, pageSize: 5 } },
          })
        ).response,
      getResult: () =>
        client.GET('/openapi/v2/user/page', { params: { query: { pageIndex: 1, pageSize: 5 } } }),
      postJson: (path, body) => postVia(client, path, body),
    };
  },
  apiKeyClient(target, extras = {}) {
    const client = createCloudCxClient({
      ...common(target, extras),
      auth: { apiKey: cred(target.credentials, 'apiKey') },
    });
    return {
      auth: client.auth,
      resourcePath: '/openapi/v2/user/page',
      getResource: async () =>
        (await client.GET('/openapi/v2/user/page', { params: { query: { pageIndex: 1 } } }))
          .response,
      getResult: () => client.GET('/openapi/v2/user/page', { params: { query: { pageIndex: 1 } } }),
      postJson: (path, body) => postVia(client, path, body),
    };
  },
  wrong: (target) => ({ ...target.credentials, password: 'wrong-password-for-test' }),
  secrets: (c) => [cred(c, 'clientSecret'), cred(c, 'password')],
};

export const sensu: VendorAdapter = {
  vendor: 'sensu',
  client(target, extras = {}, override) {
    const credentials = override ?? target.credentials;
    const client = createSensuClient({
      ...common(target, extras),
      auth: { username: cred(credentials, 'username'), password: cred(credentials, 'password') },
    });
    return {
      auth: client.auth,
      resourcePath: '/api/core/v2/namespaces',
      getResource: async () => (await client.GET('/api/core/v2/namespaces')).response,
      getResult: () => client.GET('/api/core/v2/namespaces'),
      postJson: (path, body) => postVia(client, path, body),
    };
  },
  apiKeyClient(target, extras = {}) {
    const client = createSensuClient({
      ...common(target, extras),
      auth: { apiKey: cred(target.credentials, 'apiKey') },
    });
    return {
      auth: client.auth,
      resourcePath: '/api/core/v2/namespaces',
      getResource: async () => (await client.GET('/api/core/v2/namespaces')).response,
      getResult: () => client.GET('/api/core/v2/namespaces'),
      postJson: (path, body) => postVia(client, path, body),
    };
  },
  wrong: (target) => ({ ...target.credentials, password: 'wrong-password-for-test' }),
  secrets: (c) => [cred(c, 'password')],
};

export const adapters: VendorAdapter[] = [cloudlx, cloudcx, sensu];
