// The checks every runtime runs (Node, Bun, Deno, a browser page and its Web Worker,
// workerd), as plain ESM over the installed tarballs and the runtime's own fetch. Each
// case runs against a sandbox of its own, so the test can hold that sandbox's counters to
// the case alone.
import {
  CredentialsRejectedError as CloudCxCredentialsRejected,
  createCloudCxClient,
} from '@tokenwire/cloudcx';
import {
  CredentialsRejectedError as CloudLxCredentialsRejected,
  createCloudLxClient,
} from '@tokenwire/cloudlx';
import {
  createSensuClient,
  CredentialsRejectedError as SensuCredentialsRejected,
} from '@tokenwire/sensu';

/** How the clock moves in the expiry case: past the sandbox's access lifetime for the case. */
const expiryJumpMs = 20 * 60 * 1000;

const vendors = {
  cloudlx: {
    client: (url, c, extras) =>
      createCloudLxClient({
        baseUrl: url,
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        ...extras,
      }),
    wrong: (c) => ({ ...c, clientSecret: 'wrongSecretWrongSecretWrongSecret0000000' }),
    call: (client) => client.GET('/api/services'),
    rejected: CloudLxCredentialsRejected,
  },
  cloudcx: {
    client: (url, c, extras) =>
      createCloudCxClient({
        baseUrl: url,
        auth: {
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          username: c.username,
          password: c.password,
        },
        ...extras,
      }),
    apiKeyClient: (url, c, extras) =>
      createCloudCxClient({ baseUrl: url, auth: { apiKey: c.apiKey }, ...extras }),
    wrong: (c) => ({ ...c, password: 'wrong-password-for-test' }),
    call: (client) => client.GET('/openapi/v2/user/page', { params: { query: { pageIndex: 1 } } }),
    rejected: CloudCxCredentialsRejected,
  },
  sensu: {
    client: (url, c, extras) =>
      createSensuClient({
        baseUrl: url,
        auth: { username: c.username, password: c.password },
        ...extras,
      }),
    apiKeyClient: (url, c, extras) =>
      createSensuClient({ baseUrl: url, auth: { apiKey: c.apiKey }, ...extras }),
    wrong: (c) => ({ ...c, password: 'wrong-password-for-test' }),
    call: (client) => client.GET('/api/core/v2/namespaces'),
    rejected: SensuCredentialsRejected,
  },
};

/** The runtime's fetch, logging each exchange as `METHOD /path STATUS`. */
function loggingFetch(log) {
  return async (request, init) => {
    const response = await fetch(request, init);
    log.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
    return response;
  };
}

/** One call: its status, whether it carried data, and what went over the wire. */
async function call(vendor, client, log) {
  const start = log.length;
  const { data, error, response } = await vendor.call(client);
  return {
    status: response.status,
    data: data !== undefined,
    error: error !== undefined,
    requests: log.slice(start),
  };
}

const cases = {
  /** A first call: the client gets a token, then the resource. */
  async cold(vendor, url, credentials) {
    const log = [];
    const client = vendor.client(url, credentials, { fetch: loggingFetch(log) });
    return { calls: [await call(vendor, client, log)] };
  },

  /** A call after the access token expired on the client's clock: a refresh first. */
  async refresh(vendor, url, credentials) {
    const log = [];
    let offsetMs = 0;
    const client = vendor.client(url, credentials, {
      fetch: loggingFetch(log),
      clock: () => Date.now() + offsetMs,
    });
    const first = await call(vendor, client, log);
    offsetMs += expiryJumpMs;
    return { calls: [first, await call(vendor, client, log)] };
  },

  /** The server revokes the access token: one 401, a new token, exactly one replay. */
  async replay(vendor, url, credentials) {
    const log = [];
    const client = vendor.client(url, credentials, { fetch: loggingFetch(log) });
    const first = await call(vendor, client, log);
    const revoked = await fetch(`${url}/__sandbox/revoke-access-tokens`, { method: 'POST' });
    if (!revoked.ok) throw new Error(`the control API answered ${revoked.status} to a revoke`);
    return { calls: [first, await call(vendor, client, log)] };
  },

  /** An API-key client: no token request at all. */
  async apiKey(vendor, url, credentials) {
    const log = [];
    const client = vendor.apiKeyClient(url, credentials, { fetch: loggingFetch(log) });
    return { calls: [await call(vendor, client, log)] };
  },

  /** Wrong credentials: the call rejects with the vendor's typed error. */
  async wrongCredentials(vendor, url, credentials) {
    const log = [];
    const client = vendor.client(url, vendor.wrong(credentials), { fetch: loggingFetch(log) });
    try {
      const outcome = await call(vendor, client, log);
      return { calls: [outcome], thrown: null };
    } catch (error) {
      return {
        thrown: {
          name: error?.name,
          code: error?.code,
          status: error?.status,
          isCredentialsRejectedError: error instanceof vendor.rejected,
          isError: error instanceof Error,
        },
        requests: log,
      };
    }
  },
};

/**
 * Runs every case of `plan` (`{ [vendor]: { url per case name, credentials } }`) and
 * resolves with `{ [vendor]: { [case]: result } }`; a case that throws reports
 * `{ failed: message }` and the others still run.
 */
export async function runChecks(plan) {
  const results = {};
  for (const [name, { urls, credentials }] of Object.entries(plan)) {
    const vendor = vendors[name];
    results[name] = {};
    for (const [kind, url] of Object.entries(urls)) {
      try {
        results[name][kind] = await cases[kind](vendor, url, credentials);
      } catch (error) {
        results[name][kind] = { failed: String(error?.stack ?? error) };
      }
    }
  }
  return results;
}
