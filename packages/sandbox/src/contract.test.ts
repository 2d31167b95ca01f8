// The sandbox held to the specs: scripted traffic through `prism proxy <spec> <sandbox>`.
//
// 1. Strict (`--errors`): every operation's happy path and every documented error that a
//    request valid under the spec can reach. Zero request and zero response violations.
// 2. Lenient (no `--errors`, so Prism forwards what it flags): the documented errors that
//    only an out-of-contract request reaches (a missing credential, a wrong grant type, an
//    empty body...). Prism must flag the request, and find zero response violations.
// 3. Coverage: every (operation, documented status) pair of each spec was exercised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from './clock';
import { type RunningSandbox, startSandbox } from './start-sandbox';
import {
  type PrismProxy,
  startPrismProxy,
  type Violation,
  violationsOf,
} from './test-support/prism';
import { specOperations } from './test-support/spec-operations';

interface Exchange {
  status: number;
  headers: Headers;
  body: string;
  violations: Violation[];
}

type Vendor = 'cloudlx' | 'cloudcx' | 'sensu';

interface Rig<V extends Vendor> {
  clock: ManualClock;
  sandbox: RunningSandbox<V>;
  strict: PrismProxy;
  lenient: PrismProxy;
  covered: Set<string>;
}

const rigs: { [V in Vendor]?: Rig<V> } = {};

async function exchange(base: string, path: string, init: RequestInit = {}): Promise<Exchange> {
  const res = await fetch(`${base}${path}`, init);
  const body = await res.text();
  return { status: res.status, headers: res.headers, body, violations: violationsOf(res, body) };
}

function rig<V extends Vendor>(vendor: V): Rig<V> {
  const found: { [K in Vendor]?: Rig<K> }[V] = rigs[vendor];
  if (!found) throw new Error(`no rig for ${vendor}`);
  return found as Rig<V>;
}

/** A spec-valid request: the status must match and Prism must report nothing at all. */
async function strict(
  vendor: Vendor,
  operationId: string,
  expected: number,
  path: string,
  init: RequestInit = {},
): Promise<Exchange> {
  const { strict: proxy, covered } = rig(vendor);
  const ex = await exchange(proxy.url, path, init);
  expect(ex.violations, `${operationId} ${path}: ${ex.body}`).toEqual([]);
  expect(ex.status, `${operationId} ${path}: ${ex.body}`).toBe(expected);
  covered.add(`${operationId} ${ex.status}`);
  return ex;
}

/** An out-of-contract request: Prism must flag the request, and nothing in the response. */
async function lenient(
  vendor: Vendor,
  operationId: string,
  expected: number,
  path: string,
  init: RequestInit = {},
): Promise<Exchange> {
  const { lenient: proxy, covered } = rig(vendor);
  const ex = await exchange(proxy.url, path, init);
  const responseViolations = ex.violations.filter((v) => v.location[0] !== 'request');
  expect(responseViolations, `${operationId} ${path}: ${ex.body}`).toEqual([]);
  expect(
    ex.violations.length,
    `${operationId} ${path}: expected a request violation`,
  ).toBeGreaterThan(0);
  expect(ex.status, `${operationId} ${path}: ${ex.body}`).toBe(expected);
  covered.add(`${operationId} ${ex.status}`);
  return ex;
}

function json<T>(ex: Exchange): T {
  return JSON.parse(ex.body) as T;
}

interface TokenBody {
  access_token: string;
  refresh_token: string;
}

const specs: Record<Vendor, string> = {
  cloudlx: 'specs/cloudlx.yaml',
  cloudcx: 'specs/cloudcx.yaml',
  sensu: 'specs/sensu.yaml',
};

/** Everything started so far, closed in afterAll even if start-up failed half-way. */
const started: Array<{ close(): Promise<void> }> = [];
function track<T extends { close(): Promise<void> }>(thing: T): T {
  started.push(thing);
  return thing;
}

async function proxies<V extends Vendor>(
  clock: ManualClock,
  sandbox: RunningSandbox<V>,
): Promise<Rig<V>> {
  const [strictProxy, lenientProxy] = await Promise.all([
    startPrismProxy(specs[sandbox.vendor], sandbox.url, { errors: true }).then(track),
    startPrismProxy(specs[sandbox.vendor], sandbox.url, { errors: false }).then(track),
  ]);
  return { clock, sandbox, strict: strictProxy, lenient: lenientProxy, covered: new Set() };
}

beforeAll(async () => {
  const clocks = {
    cloudlx: createManualClock(),
    cloudcx: createManualClock(),
    sensu: createManualClock(),
  };
  const common = { port: 0, host: '127.0.0.1' } as const;
  [rigs.cloudlx, rigs.cloudcx, rigs.sensu] = await Promise.all([
    startSandbox({ vendor: 'cloudlx', clock: clocks.cloudlx, ...common })
      .then(track)
      .then((s) => proxies(clocks.cloudlx, s)),
    startSandbox({ vendor: 'cloudcx', clock: clocks.cloudcx, ...common })
      .then(track)
      .then((s) => proxies(clocks.cloudcx, s)),
    startSandbox({ vendor: 'sensu', clock: clocks.sensu, ...common })
      .then(track)
      .then((s) => proxies(clocks.sensu, s)),
  ]);
});

afterAll(async () => {
  await Promise.allSettled(started.map((thing) => thing.close()));
});

describe('CloudLX through prism proxy', () => {
  // Prism negotiates strictly on Accept: list application/json too (see specs/cloudlx.yaml).
  const accept = 'application/vnd.cloudlx.v1+json, application/json';
  const bare = 'application/vnd.cloudlx.v1+json';

  it('serves every operation and its reachable errors with zero violations', async () => {
    const { sandbox, clock } = rig('cloudlx');
    const { clientId, clientSecret, unprivilegedClientId, unprivilegedClientSecret } =
      sandbox.credentials;
    const grant = (id: string, secret: string) => ({
      method: 'POST',
      headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: id,
        client_secret: secret,
      }).toString(),
    });
    const first = json<TokenBody>(
      await strict(
        'cloudlx',
        'createAccessToken',
        200,
        '/api/oauth2/access-token',
        grant(clientId, clientSecret),
      ),
    );
    await strict('cloudlx', 'createAccessToken', 200, '/api/oauth2/access-token', {
      method: 'POST',
      headers: { accept: bare, 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    await strict(
      'cloudlx',
      'createAccessToken',
      401,
      '/api/oauth2/access-token',
      grant(clientId, 'wrong-secret'),
    );
    const limited = json<TokenBody>(
      await strict(
        'cloudlx',
        'createAccessToken',
        200,
        '/api/oauth2/access-token',
        grant(unprivilegedClientId, unprivilegedClientSecret),
      ),
    );

    const refresh = (token: string, secret = clientSecret) => ({
      method: 'POST',
      headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: clientId,
        client_secret: secret,
      }).toString(),
    });
    const second = json<TokenBody>(
      await strict(
        'cloudlx',
        'refreshAccessToken',
        200,
        '/api/oauth2/refresh-token',
        refresh(first.refresh_token),
      ),
    );
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const reused = await strict(
      'cloudlx',
      'refreshAccessToken',
      400,
      '/api/oauth2/refresh-token',
      refresh(first.refresh_token),
    );
    expect(json(reused)).toEqual({
      error: 'invalid_request',
      error_description: 'The refresh token is invalid.',
    });
    await strict(
      'cloudlx',
      'refreshAccessToken',
      401,
      '/api/oauth2/refresh-token',
      refresh(second.refresh_token, 'nope'),
    );

    for (const [operationId, path] of [
      ['listServices', '/api/services'],
      ['listUsers', '/api/users'],
      ['listCustomers', '/api/customers'],
    ] as const) {
      const auth = (token: string) => ({ headers: { accept, authorization: `Bearer ${token}` } });
      await strict('cloudlx', operationId, 200, path, auth(second.access_token));
      // The access token issued with a rotated refresh token died with it.
      await strict('cloudlx', operationId, 401, path, auth(first.access_token));
      await strict('cloudlx', operationId, 403, path, auth(limited.access_token));
    }

    clock.advance(3601 * 1000);
    await strict('cloudlx', 'listServices', 401, '/api/services', {
      headers: { accept, authorization: `Bearer ${second.access_token}` },
    });
    await strict('cloudlx', 'refreshAccessToken', 200, '/api/oauth2/refresh-token', {
      method: 'POST',
      headers: { accept: bare, 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        refresh_token: second.refresh_token,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    expect(sandbox.control.counters()).toMatchObject({
      primaryGrants: 3,
      refreshes: 2,
      reuseDetections: 1,
    });
  });

  it('answers out-of-contract requests with the documented errors', async () => {
    const { sandbox } = rig('cloudlx');
    const { clientId, clientSecret } = sandbox.credentials;
    const before = sandbox.control.counters().missingVendorAccept;
    const post = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const missing = await lenient(
      'cloudlx',
      'createAccessToken',
      400,
      '/api/oauth2/access-token',
      post({ grant_type: 'client_credentials', client_id: clientId }),
    );
    expect(json<{ error: string }>(missing).error).toBe('invalid_request');
    const unsupported = await lenient(
      'cloudlx',
      'createAccessToken',
      400,
      '/api/oauth2/access-token',
      post({ grant_type: 'password', client_id: clientId, client_secret: clientSecret }),
    );
    expect(json<{ error: string }>(unsupported).error).toBe('unsupported_grant_type');
    await lenient(
      'cloudlx',
      'refreshAccessToken',
      400,
      '/api/oauth2/refresh-token',
      post({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret }),
    );
    await lenient(
      'cloudlx',
      'refreshAccessToken',
      400,
      '/api/oauth2/refresh-token',
      post({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    );
    for (const [operationId, path] of [
      ['listServices', '/api/services'],
      ['listUsers', '/api/users'],
      ['listCustomers', '/api/customers'],
    ] as const) {
      await lenient('cloudlx', operationId, 401, path, { headers: { accept } });
    }
    // An Accept without the vendor type (fetch itself sends */* when none is set) is valid
    // under the spec and served (Dingo falls back to the default version), but counted.
    await strict('cloudlx', 'createAccessToken', 200, '/api/oauth2/access-token', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    expect(sandbox.control.counters().missingVendorAccept).toBe(before + 1);
  });
});

describe('CloudCX through prism proxy', () => {
  it('serves every operation and its reachable errors with zero violations', async () => {
    const { sandbox, clock } = rig('cloudcx');
    const c = sandbox.credentials;
    const token = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        ...fields,
      }).toString(),
    });
    const issued = json<TokenBody & { expires_in: number }>(
      await strict(
        'cloudcx',
        'requestToken',
        200,
        '/oauth/token',
        token({ grant_type: 'password', username: c.username, password: c.password }),
      ),
    );
    expect(issued.expires_in).toBe(3600);
    const renewed = json<TokenBody>(
      await strict(
        'cloudcx',
        'requestToken',
        200,
        '/oauth/token',
        token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token }),
      ),
    );
    // Reused, not rotated.
    expect(renewed.refresh_token).toBe(issued.refresh_token);
    const badPassword = await strict(
      'cloudcx',
      'requestToken',
      400,
      '/oauth/token',
      token({ grant_type: 'password', username: c.username, password: 'wrong' }),
    );
    expect(json(badPassword)).toEqual({
      error: 'invalid_grant',
      error_description: 'Bad credentials',
    });
    await strict(
      'cloudcx',
      'requestToken',
      400,
      '/oauth/token',
      token({ grant_type: 'refresh_token', refresh_token: 'unknown' }),
    );
    await strict('cloudcx', 'requestToken', 401, '/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: c.clientId,
        client_secret: 'wrong',
        username: c.username,
        password: c.password,
      }).toString(),
    });

    const bearer = (value: string) => ({ headers: { authorization: `Bearer ${value}` } });
    const page1 = json<{
      code: string;
      data: { totalElements: number; numberOfElements: number; number: number };
    }>(
      await strict(
        'cloudcx',
        'listUsers',
        200,
        '/openapi/v2/user/page?pageIndex=1&pageSize=25',
        bearer(renewed.access_token),
      ),
    );
    expect(page1).toMatchObject({
      code: '0000',
      data: { totalElements: 60, numberOfElements: 25, number: 0 },
    });
    const page3 = json<{ data: { numberOfElements: number; number: number; totalPages: number } }>(
      await strict(
        'cloudcx',
        'listUsers',
        200,
        '/openapi/v2/user/page?pageIndex=3&pageSize=25',
        bearer(c.apiKey),
      ),
    );
    expect(page3.data).toMatchObject({ numberOfElements: 10, number: 2, totalPages: 3 });
    await strict(
      'cloudcx',
      'listUsers',
      200,
      '/openapi/v2/user/page?pageIndex=1&pageSize=25&keywords=si',
      bearer(issued.access_token),
    );
    sandbox.control.injectFault({ kind: 'business-error', count: 1 });
    const business = json<{ code: string; data: null }>(
      await strict('cloudcx', 'listUsers', 200, '/openapi/v2/user/page', bearer(c.apiKey)),
    );
    expect(business.code).not.toBe('0000');
    expect(business.data).toBeNull();
    const forged = await strict(
      'cloudcx',
      'listUsers',
      401,
      '/openapi/v2/user/page',
      bearer('not-a-token'),
    );
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    clock.advance(3600 * 1000);
    await strict(
      'cloudcx',
      'listUsers',
      401,
      '/openapi/v2/user/page',
      bearer(renewed.access_token),
    );
  });

  it('answers out-of-contract requests with the documented errors', async () => {
    const c = rig('cloudcx').sandbox.credentials;
    const post = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const missing = await lenient(
      'cloudcx',
      'requestToken',
      400,
      '/oauth/token',
      post({ client_id: c.clientId, client_secret: c.clientSecret, username: c.username }),
    );
    expect(json<{ error: string }>(missing).error).toBe('invalid_request');
    const unsupported = await lenient(
      'cloudcx',
      'requestToken',
      400,
      '/oauth/token',
      post({
        grant_type: 'client_credentials',
        client_id: c.clientId,
        client_secret: c.clientSecret,
      }),
    );
    expect(json<{ error: string }>(unsupported).error).toBe('unsupported_grant_type');
    const anonymous = await lenient('cloudcx', 'listUsers', 401, '/openapi/v2/user/page');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const badPage = await lenient(
      'cloudcx',
      'listUsers',
      200,
      '/openapi/v2/user/page?pageIndex=0',
      {
        headers: { authorization: `Bearer ${c.apiKey}` },
      },
    );
    expect(json<{ code: string }>(badPage).code).not.toBe('0000');
  });
});

describe('Sensu Go through prism proxy', () => {
  const basic = (user: string, password: string) => ({
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });
  const refreshWith = (access: string, refreshToken: string) => ({
    method: 'POST',
    headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });

  it('serves every operation and its reachable errors with zero violations', async () => {
    const { sandbox, clock } = rig('sensu');
    const s = sandbox.credentials;
    const fault = (kind: 'server-error' | 'unavailable', routes: 'token' | 'api') =>
      sandbox.control.injectFault({ kind, routes, count: 1 });

    const login = json<TokenBody & { expires_at: number }>(
      await strict('sensu', 'authenticate', 200, '/auth', basic(s.username, s.password)),
    );
    expect(login.expires_at).toBe(Math.floor(clock.now() / 1000) + 300);
    await strict('sensu', 'authenticate', 401, '/auth', basic(s.username, 'wrong'));
    fault('server-error', 'token');
    await strict('sensu', 'authenticate', 500, '/auth', basic(s.username, s.password));
    fault('unavailable', 'token');
    const starting = await strict(
      'sensu',
      'authenticate',
      503,
      '/auth',
      basic(s.username, s.password),
    );
    expect(starting.headers.get('retry-after')).toBe('1');

    await strict('sensu', 'testCredentials', 200, '/auth/test', basic(s.username, s.password));
    await strict('sensu', 'testCredentials', 401, '/auth/test', basic(s.username, 'wrong'));
    fault('server-error', 'api');
    await strict('sensu', 'testCredentials', 500, '/auth/test', basic(s.username, s.password));
    fault('unavailable', 'api');
    await strict('sensu', 'testCredentials', 503, '/auth/test', basic(s.username, s.password));

    // Rotation, then reuse of the old refresh token: the session is deleted (400) ...
    const rotated = json<TokenBody>(
      await strict(
        'sensu',
        'refreshAccessToken',
        200,
        '/auth/token',
        refreshWith(login.access_token, login.refresh_token),
      ),
    );
    expect(rotated.refresh_token).not.toBe(login.refresh_token);
    const theft = await strict(
      'sensu',
      'refreshAccessToken',
      400,
      '/auth/token',
      refreshWith(login.access_token, login.refresh_token),
    );
    expect(theft.body).toBe('invalid access token\n');
    // ... so even the newest refresh token is now refused (401, session gone).
    const gone = await strict(
      'sensu',
      'refreshAccessToken',
      401,
      '/auth/token',
      refreshWith(rotated.access_token, rotated.refresh_token),
    );
    expect(gone.body).toBe('Unauthorized\n');
    await strict(
      'sensu',
      'refreshAccessToken',
      401,
      '/auth/token',
      refreshWith('not-a-jwt', rotated.refresh_token),
    );
    fault('server-error', 'token');
    await strict(
      'sensu',
      'refreshAccessToken',
      500,
      '/auth/token',
      refreshWith(rotated.access_token, rotated.refresh_token),
    );
    fault('unavailable', 'token');
    await strict(
      'sensu',
      'refreshAccessToken',
      503,
      '/auth/token',
      refreshWith(rotated.access_token, rotated.refresh_token),
    );

    // An expired but validly signed access token still refreshes (within the session).
    const fresh = json<TokenBody>(
      await strict('sensu', 'authenticate', 200, '/auth', basic(s.username, s.password)),
    );
    clock.advance(301 * 1000);
    await strict('sensu', 'listNamespaces', 401, '/api/core/v2/namespaces', {
      headers: { authorization: `Bearer ${fresh.access_token}` },
    });
    const renewed = json<TokenBody>(
      await strict(
        'sensu',
        'refreshAccessToken',
        200,
        '/auth/token',
        refreshWith(fresh.access_token, fresh.refresh_token),
      ),
    );
    // An idle session dies after its lifetime (360 s by default).
    clock.advance(361 * 1000);
    await strict(
      'sensu',
      'refreshAccessToken',
      401,
      '/auth/token',
      refreshWith(renewed.access_token, renewed.refresh_token),
    );

    const session = json<TokenBody>(
      await strict('sensu', 'authenticate', 200, '/auth', basic(s.username, s.password)),
    );
    const auth = { headers: { authorization: `Bearer ${session.access_token}` } };
    await strict(
      'sensu',
      'logout',
      401,
      '/auth/logout',
      refreshWith('not-a-jwt', session.refresh_token),
    );
    fault('server-error', 'api');
    await strict(
      'sensu',
      'logout',
      500,
      '/auth/logout',
      refreshWith(session.access_token, session.refresh_token),
    );
    fault('unavailable', 'api');
    await strict(
      'sensu',
      'logout',
      503,
      '/auth/logout',
      refreshWith(session.access_token, session.refresh_token),
    );

    await strict('sensu', 'getHealth', 200, '/health?timeout=3');
    fault('server-error', 'api');
    await strict('sensu', 'getHealth', 500, '/health');
    await strict('sensu', 'getVersion', 200, '/version');
    fault('server-error', 'api');
    await strict('sensu', 'getVersion', 500, '/version');

    const firstPage = await strict(
      'sensu',
      'listNamespaces',
      200,
      '/api/core/v2/namespaces?limit=2',
      auth,
    );
    const cursor = firstPage.headers.get('sensu-continue');
    expect(json(firstPage)).toEqual([{ name: 'default' }, { name: 'production' }]);
    expect(cursor).toBeTruthy();
    const lastPage = await strict(
      'sensu',
      'listNamespaces',
      200,
      `/api/core/v2/namespaces?limit=2&continue=${cursor}`,
      {
        headers: { authorization: `Key ${s.apiKey}` },
      },
    );
    expect(json(lastPage)).toEqual([{ name: 'staging' }]);
    expect(lastPage.headers.get('sensu-continue')).toBeNull();
    await strict('sensu', 'listNamespaces', 401, '/api/core/v2/namespaces', {
      headers: { authorization: 'Bearer not-a-jwt' },
    });
    const noRole = json<TokenBody>(
      await strict(
        'sensu',
        'authenticate',
        200,
        '/auth',
        basic(s.unprivilegedUsername, s.unprivilegedPassword),
      ),
    );
    const noRoleAuth = { headers: { authorization: `Bearer ${noRole.access_token}` } };
    await strict('sensu', 'listNamespaces', 500, '/api/core/v2/namespaces', noRoleAuth);
    fault('unavailable', 'api');
    await strict('sensu', 'listNamespaces', 503, '/api/core/v2/namespaces', auth);

    const entities = '/api/core/v2/namespaces/default/entities';
    let next: string | null = null;
    const seen: string[] = [];
    do {
      const query: string = next === null ? '?limit=10' : `?limit=10&continue=${next}`;
      const page: Exchange = await strict(
        'sensu',
        'listEntities',
        200,
        `${entities}${query}`,
        auth,
      );
      seen.push(...json<Array<{ metadata: { name: string } }>>(page).map((e) => e.metadata.name));
      next = page.headers.get('sensu-continue');
    } while (next !== null);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    await strict('sensu', 'listEntities', 401, entities, {
      headers: { authorization: 'Bearer not-a-jwt' },
    });
    await strict('sensu', 'listEntities', 403, entities, noRoleAuth);
    const notJson = Buffer.from('xyz').toString('base64url');
    const badCursor = await strict(
      'sensu',
      'listEntities',
      500,
      `${entities}?continue=${notJson}`,
      auth,
    );
    expect(json(badCursor)).toEqual({
      message: "resource is invalid: invalid character 'x' looking for beginning of value",
      code: 0,
    });
    fault('unavailable', 'api');
    await strict('sensu', 'listEntities', 503, entities, auth);

    await strict(
      'sensu',
      'logout',
      200,
      '/auth/logout',
      refreshWith(session.access_token, session.refresh_token),
    );
    await strict(
      'sensu',
      'refreshAccessToken',
      401,
      '/auth/token',
      refreshWith(session.access_token, session.refresh_token),
    );
  });

  it('answers out-of-contract requests with the documented errors', async () => {
    const { sandbox } = rig('sensu');
    const s = sandbox.credentials;
    const noHeader = await lenient('sensu', 'authenticate', 401, '/auth');
    expect(noHeader.body).toBe('Request unauthorized\n');
    const login = json<TokenBody>(
      await strict('sensu', 'authenticate', 200, '/auth', basic(s.username, s.password)),
    );
    const bearer = { headers: { authorization: `Bearer ${login.access_token}` } };
    expect((await lenient('sensu', 'authenticate', 400, '/auth', bearer)).body).toBe('EOF\n');
    await lenient('sensu', 'testCredentials', 400, '/auth/test', bearer);
    const empty = await lenient('sensu', 'refreshAccessToken', 400, '/auth/token', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${login.access_token}`,
        'content-type': 'application/json',
      },
    });
    expect(empty.body).toBe('EOF\n');
    const withBasic = {
      method: 'POST',
      headers: { ...basic(s.username, s.password).headers, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: login.refresh_token }),
    };
    expect((await lenient('sensu', 'refreshAccessToken', 400, '/auth/token', withBasic)).body).toBe(
      'invalid access token\n',
    );
    await lenient('sensu', 'logout', 400, '/auth/logout', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${login.access_token}`,
        'content-type': 'application/json',
      },
    });
    await lenient('sensu', 'logout', 500, '/auth/logout', withBasic);
    const badTimeout = await lenient('sensu', 'getHealth', 400, '/health?timeout=soon');
    expect(badTimeout.body).toBe('strconv.Atoi: parsing "soon": invalid syntax\n');
    const anonymous = await lenient('sensu', 'listNamespaces', 401, '/api/core/v2/namespaces');
    expect(json(anonymous)).toEqual({ Code: 5, Message: 'bad credentials' });
    await lenient('sensu', 'listEntities', 401, '/api/core/v2/namespaces/default/entities');
  });
});

describe('contract coverage', () => {
  // Go's net/http itself answers these before any handler runs; Prism cannot send such a
  // request. They are exercised over a raw socket in bad-input.test.ts.
  const elsewhere = new Set(['getVersion 400', 'getVersion 431']);

  it.each(['cloudlx', 'cloudcx', 'sensu'] as const)(
    '%s: every documented response of every operation was exercised',
    (vendor) => {
      const expected = specOperations(specs[vendor]).flatMap((op) =>
        op.statuses.map((status) => `${op.operationId} ${status}`),
      );
      const { covered } = rig(vendor);
      const missing = expected.filter((key) => !covered.has(key) && !elsewhere.has(key));
      expect(missing).toEqual([]);
    },
  );
});
