import { createCloudLxClient } from '@tokenwire/cloudlx';
import { createSensuClient } from '@tokenwire/sensu';
import { afterEach, describe, expect, it } from 'vitest';
import { openTarget, type Target } from './vendors';

let target: Target | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

function sensuClient(t: Target) {
  return createSensuClient({
    baseUrl: t.url,
    fetch: t.fetch,
    allowInsecureHttp: t.allowInsecureHttp,
    auth: { username: t.credentials.username ?? '', password: t.credentials.password ?? '' },
  });
}

describe('Sensu client', () => {
  it('20 refresh cycles, each with the rotated refresh token: no reuse detection', async () => {
    target = await openTarget('sensu', 'http');
    const client = sensuClient(target);
    expect((await client.GET('/api/core/v2/namespaces')).response.status).toBe(200);
    for (let cycle = 0; cycle < 20; cycle++) {
      await client.auth.refresh();
      expect((await client.GET('/api/core/v2/namespaces')).response.status).toBe(200);
    }
    const counters = target.control.counters();
    expect(counters.refreshes).toBe(20);
    expect(counters.primaryGrants).toBe(1);
    expect(counters.reuseDetections).toBe(0);
  });

  it('20 refresh cycles driven by expiry (revoked access tokens): no reuse detection', async () => {
    target = await openTarget('sensu', 'in-process');
    const t = target;
    const client = sensuClient(t);
    for (let cycle = 0; cycle < 21; cycle++) {
      const calls = await Promise.all(
        Array.from({ length: 10 }, () => client.GET('/api/core/v2/namespaces')),
      );
      expect(calls.map((c) => c.response.status)).toEqual(Array(10).fill(200));
      t.control.revokeAccessTokens();
    }
    expect(t.control.counters()).toMatchObject({
      primaryGrants: 1,
      refreshes: 20,
      reuseDetections: 0,
    });
  });

  it('test() says true for good credentials and false for wrong ones, without a token', async () => {
    target = await openTarget('sensu', 'http');
    const t = target;
    expect(await sensuClient(t).auth.test()).toBe(true);
    const wrong = createSensuClient({
      baseUrl: t.url,
      auth: { username: t.credentials.username ?? '', password: 'not-the-password' },
    });
    expect(await wrong.auth.test()).toBe(false);
    expect(t.control.counters().primaryGrants).toBe(0);
  });

  it('logout() ends the session and clears the store; the next call logs in again', async () => {
    target = await openTarget('sensu', 'http');
    const client = sensuClient(target);
    expect((await client.GET('/api/core/v2/namespaces')).response.status).toBe(200);
    expect(target.control.state().tokens.sessions).toBe(1);
    await client.auth.logout();
    expect(target.control.state().tokens.sessions).toBe(0);
    expect((await client.GET('/api/core/v2/namespaces')).response.status).toBe(200);
    expect(target.control.counters().primaryGrants).toBe(2);
  });

  it('iterates every entity across Sensu-Continue pages', async () => {
    target = await openTarget('sensu', 'in-process');
    const t = target;
    const client = createSensuClient({
      baseUrl: t.url,
      fetch: t.fetch,
      allowInsecureHttp: true,
      auth: { apiKey: t.credentials.apiKey ?? '' },
    });
    const names: string[] = [];
    for await (const entity of client.iterateEntities('default', { limit: 7 })) {
      names.push(entity.metadata.name);
    }
    const all = await client.GET('/api/core/v2/namespaces/{namespace}/entities', {
      params: { path: { namespace: 'default' } },
    });
    expect(names).toEqual((all.data ?? []).map((e) => e.metadata.name));
    expect(names.length).toBeGreaterThan(7);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('CloudLX client', () => {
  it('sends the vendor type (then application/json) in Accept on every request, token requests included', async () => {
    target = await openTarget('cloudlx', 'http');
    const t = target;
    const accepts: string[] = [];
    const client = createCloudLxClient({
      baseUrl: t.url,
      clientId: t.credentials.clientId ?? '',
      clientSecret: t.credentials.clientSecret ?? '',
      fetch: (request) => {
        accepts.push(request.headers.get('accept') ?? '(none)');
        return fetch(request);
      },
    });
    await client.GET('/api/services');
    await client.GET('/api/users');
    await client.GET('/api/customers');
    t.control.revokeAccessTokens();
    await client.GET('/api/services');
    await client.auth.refresh();
    expect(accepts.length).toBeGreaterThanOrEqual(7);
    expect(new Set(accepts)).toEqual(
      new Set(['application/vnd.cloudlx.v1+json, application/json']),
    );
    expect(t.control.counters().missingVendorAccept).toBe(0);
  });

  it('uses another API version when asked', async () => {
    target = await openTarget('cloudlx', 'in-process');
    const t = target;
    const accepts: string[] = [];
    const client = createCloudLxClient({
      baseUrl: t.url,
      allowInsecureHttp: true,
      apiVersion: 'v2',
      clientId: t.credentials.clientId ?? '',
      clientSecret: t.credentials.clientSecret ?? '',
      fetch: (request) => {
        accepts.push(request.headers.get('accept') ?? '');
        return t.fetch(request);
      },
    });
    await client.GET('/api/services');
    expect(accepts[0]).toBe('application/vnd.cloudlx.v2+json, application/json');
  });
});
