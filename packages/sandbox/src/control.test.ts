import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from './clock';
import { createSandbox } from './create-sandbox';
import { FaultInputError } from './faults';
import { type RunningSandbox, startSandbox } from './start-sandbox';
import {
  cloudcxGrant,
  cloudlxAccept,
  cloudlxGrant,
  formPost,
  sensuLogin,
} from './test-support/requests';

function cloudlx() {
  const sandbox = createSandbox({ vendor: 'cloudlx', clock: createManualClock() });
  const { clientId, clientSecret } = sandbox.credentials;
  const tokenRequest = () =>
    sandbox.fetch(
      '/api/oauth2/access-token',
      formPost(
        { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        { accept: cloudlxAccept },
      ),
    );
  return { sandbox, tokenRequest };
}

describe('token-endpoint faults', () => {
  it('answers 500 for the next N token requests, then recovers', async () => {
    const { sandbox, tokenRequest } = cloudlx();
    sandbox.control.injectFault({ kind: 'server-error', count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await tokenRequest();
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ message: '500 Internal Server Error', status_code: 500 });
    }
    expect((await tokenRequest()).status).toBe(200);
    expect(sandbox.control.counters()).toMatchObject({
      faultsServed: 2,
      tokenRequests: 3,
      primaryGrants: 1,
    });
    expect(sandbox.control.faults()).toEqual([]);
  });

  it('answers 503 with Retry-After until cleared', async () => {
    const { sandbox, tokenRequest } = cloudlx();
    sandbox.control.injectFault({ kind: 'unavailable', retryAfterSeconds: 7 });
    for (let i = 0; i < 3; i++) {
      const res = await tokenRequest();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
    }
    expect(sandbox.control.faults()).toMatchObject([{ kind: 'unavailable', remaining: null }]);
    expect(sandbox.control.clearFaults()).toBe(1);
    expect((await tokenRequest()).status).toBe(200);
  });

  it('serves malformed JSON with a 200 and an HTML error page with a 5xx', async () => {
    const { sandbox, tokenRequest } = cloudlx();
    sandbox.control.injectFault({ kind: 'malformed-json', count: 1 });
    sandbox.control.injectFault({ kind: 'html-error', count: 1, status: 504 });
    const malformed = await tokenRequest();
    expect(malformed.status).toBe(200);
    expect(malformed.headers.get('content-type')).toBe('application/json');
    await expect(malformed.json()).rejects.toThrow(SyntaxError);
    const html = await tokenRequest();
    expect(html.status).toBe(504);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toContain('<title>504 Gateway Time-out</title>');
  });

  it('delays a token request, then answers it normally', async () => {
    const { sandbox, tokenRequest } = cloudlx();
    sandbox.control.injectFault({ kind: 'delay', delayMs: 20, count: 1 });
    let settled = false;
    const pending = tokenRequest().then((res) => {
      settled = true;
      return res;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    expect((await pending).status).toBe(200);
  });

  it('cuts a pending delay short on close()', async () => {
    const { sandbox, tokenRequest } = cloudlx();
    sandbox.control.injectFault({ kind: 'delay', delayMs: 600_000, count: 1 });
    const pending = tokenRequest();
    sandbox.close();
    expect((await pending).status).toBe(200);
  });

  it('drops the connection: in-process fetch rejects like a real one', async () => {
    const { sandbox, tokenRequest } = cloudlx();
    sandbox.control.injectFault({ kind: 'drop-connection', count: 1 });
    await expect(tokenRequest()).rejects.toThrow('fetch failed');
    expect((await tokenRequest()).status).toBe(200);
  });

  it('leaves resource routes alone unless asked (routes "api" / "all")', async () => {
    const { sandbox, tokenRequest } = cloudlx();
    const token = (await (await tokenRequest()).json()) as { access_token: string };
    const services = () =>
      sandbox.fetch('/api/services', {
        headers: { accept: cloudlxAccept, authorization: `Bearer ${token.access_token}` },
      });
    sandbox.control.injectFault({ kind: 'server-error' });
    expect((await services()).status).toBe(200);
    sandbox.control.clearFaults();
    sandbox.control.injectFault({ kind: 'unavailable', routes: 'api', count: 1 });
    expect((await tokenRequest()).status).toBe(200);
    expect((await services()).status).toBe(503);
    sandbox.control.injectFault({ kind: 'server-error', routes: 'all', count: 2 });
    expect((await services()).status).toBe(500);
    expect((await tokenRequest()).status).toBe(500);
  });

  it('renders faults in each vendor style', async () => {
    const cx = createSandbox({ vendor: 'cloudcx' });
    cx.control.injectFault({ kind: 'server-error', count: 1 });
    const cxRes = await cx.fetch('/oauth/token', formPost({ grant_type: 'password' }));
    expect(cxRes.status).toBe(500);
    expect(await cxRes.json()).toMatchObject({
      status: 500,
      error: 'Internal Server Error',
      path: '/oauth/token',
    });

    const sensu = createSandbox({ vendor: 'sensu' });
    sensu.control.injectFault({ kind: 'unavailable', retryAfterSeconds: 3, count: 1 });
    const res = await sensu.fetch('/auth', { headers: { authorization: 'Basic eDp5' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.text()).toBe(
      'API unavailable during startup.\nSee api-serve-wait-time settings.\n\n',
    );
  });

  it('refuses fault descriptions it cannot honour, saying why', () => {
    const { sandbox } = cloudlx();
    const bad: unknown[] = [
      { kind: 'meteor' },
      { kind: 'delay' },
      { kind: 'delay', delayMs: -1 },
      { kind: 'server-error', count: 0 },
      { kind: 'server-error', routes: 'everywhere' },
      { kind: 'html-error', status: 200 },
      { kind: 'business-error' },
      'server-error',
    ];
    for (const fault of bad) {
      expect(() => sandbox.control.injectFault(fault as never)).toThrow(FaultInputError);
    }
    expect(sandbox.control.faults()).toEqual([]);
  });
});

describe('the /__sandbox/ control routes over HTTP', () => {
  let sensu: RunningSandbox<'sensu'>;
  let cloudcx: RunningSandbox<'cloudcx'>;
  beforeAll(async () => {
    [sensu, cloudcx] = await Promise.all([
      startSandbox({ vendor: 'sensu', port: 0 }),
      startSandbox({ vendor: 'cloudcx', port: 0, host: '127.0.0.1' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sensu?.close(), cloudcx?.close()]);
  });

  const control = (sandbox: RunningSandbox, path: string, method = 'GET', body?: unknown) =>
    fetch(`${sandbox.url}/__sandbox${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  it('reports state and counters, and never the credentials', async () => {
    await sensuLogin(fetch, sensu.url, sensu.credentials.username, sensu.credentials.password);
    const state = await (await control(sensu, '')).json();
    expect(state).toMatchObject({
      vendor: 'sensu',
      counters: { primaryGrants: 1 },
      resourcesUnauthorized: false,
      faults: [],
      tokens: { accessTokens: 1, refreshTokens: 1, sessions: 1 },
      lifetimes: { accessTokenTtlSeconds: 300, refreshTokenTtlSeconds: 360 },
    });
    expect(JSON.stringify(state)).not.toContain(sensu.credentials.password);
    expect(await (await control(sensu, '/counters')).json()).toMatchObject({ primaryGrants: 1 });
    expect(await (await control(sensu, '/counters/reset', 'POST')).json()).toMatchObject({
      primaryGrants: 0,
    });
  });

  it('revokes sessions, toggles resources to 401, and changes lifetimes', async () => {
    const tokens = await sensuLogin(
      fetch,
      sensu.url,
      sensu.credentials.username,
      sensu.credentials.password,
    );
    const revoked = (await (await control(sensu, '/revoke-access-tokens', 'POST')).json()) as {
      revoked: number;
    };
    expect(revoked.revoked).toBeGreaterThanOrEqual(1);
    expect((await control(sensu, '/revoke-refresh-tokens', 'POST')).status).toBe(200);
    const refreshed = await fetch(`${sensu.url}/auth/token`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ refresh_token: tokens.refresh_token }),
    });
    expect(refreshed.status).toBe(401);

    expect((await control(sensu, '/resources-unauthorized', 'PUT', { enabled: true })).status).toBe(
      200,
    );
    const key = { headers: { authorization: `Key ${sensu.credentials.apiKey}` } };
    expect((await fetch(`${sensu.url}/api/core/v2/namespaces`, key)).status).toBe(401);
    await control(sensu, '/resources-unauthorized', 'PUT', { enabled: false });
    expect((await fetch(`${sensu.url}/api/core/v2/namespaces`, key)).status).toBe(200);
    expect(
      (await control(sensu, '/resources-unauthorized', 'PUT', { enabled: 'yes' })).status,
    ).toBe(400);

    const lifetimes = await control(sensu, '/lifetimes', 'PUT', { accessTokenTtlSeconds: 2 });
    expect(await lifetimes.json()).toEqual({
      accessTokenTtlSeconds: 2,
      refreshTokenTtlSeconds: 360,
    });
    const short = await sensuLogin(
      fetch,
      sensu.url,
      sensu.credentials.username,
      sensu.credentials.password,
    );
    expect(short.expires_at - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(2);
    expect((await control(sensu, '/lifetimes', 'PUT', { accessTokenTtlSeconds: 0 })).status).toBe(
      400,
    );
    await control(sensu, '/lifetimes', 'PUT', { accessTokenTtlSeconds: 300 });
  });

  it('queues, lists and clears faults, and explains a bad one', async () => {
    const created = await control(cloudcx, '/faults', 'POST', { kind: 'business-error', count: 1 });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      fault: { kind: 'business-error', routes: 'api', remaining: 1 },
    });
    const users = await fetch(`${cloudcx.url}/openapi/v2/user/page`, {
      headers: { authorization: `Bearer ${cloudcx.credentials.apiKey}` },
    });
    expect(((await users.json()) as { code: string }).code).toBe('1001');
    await control(cloudcx, '/faults', 'POST', { kind: 'unavailable' });
    expect(
      ((await (await control(cloudcx, '/faults')).json()) as { faults: unknown[] }).faults,
    ).toHaveLength(1);
    expect(await (await control(cloudcx, '/faults', 'DELETE')).json()).toEqual({ cleared: 1 });
    await expect(cloudcxGrant(fetch, cloudcx.url, cloudcx.credentials)).resolves.toBeDefined();

    const bad = await control(cloudcx, '/faults', 'POST', { kind: 'delay' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: '"delayMs" must be an integer from 0 to 600000.' });
    expect((await control(cloudcx, '/faults', 'POST', '{not json')).status).toBe(400);
    expect((await control(cloudcx, '/nothing-here')).status).toBe(404);
  });

  it('drops the TCP connection, then keeps serving', async () => {
    const lx = await startSandbox({ vendor: 'cloudlx', port: 0 });
    try {
      await control(lx, '/faults', 'POST', { kind: 'drop-connection', count: 1 });
      const { clientId, clientSecret } = lx.credentials;
      await expect(cloudlxGrant(fetch, lx.url, clientId, clientSecret)).rejects.toThrow();
      await expect(cloudlxGrant(fetch, lx.url, clientId, clientSecret)).resolves.toBeDefined();
      expect(lx.control.counters()).toMatchObject({ faultsServed: 1, primaryGrants: 1 });
    } finally {
      await lx.close();
    }
  });

  it('resets everything but the lifetimes', async () => {
    await control(cloudcx, '/faults', 'POST', { kind: 'server-error' });
    await control(cloudcx, '/resources-unauthorized', 'PUT', { enabled: true });
    const state = await (await control(cloudcx, '/reset', 'POST')).json();
    expect(state).toMatchObject({
      faults: [],
      resourcesUnauthorized: false,
      counters: { primaryGrants: 0, faultsServed: 0 },
      tokens: { accessTokens: 0, refreshTokens: 0 },
    });
  });
});
