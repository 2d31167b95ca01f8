import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock';
import { createSandbox } from '../create-sandbox';
import { cloudlxAccept, cloudlxGrant, formPost, jsonPost } from '../test-support/requests';

function setup(options: { accessTokenTtlSeconds?: number; refreshTokenTtlSeconds?: number } = {}) {
  const clock = createManualClock();
  const sandbox = createSandbox({ vendor: 'cloudlx', clock, ...options });
  const { clientId, clientSecret } = sandbox.credentials;
  const grant = () => cloudlxGrant(sandbox.fetch, sandbox.url, clientId, clientSecret);
  const services = (token: string, accept = cloudlxAccept) =>
    sandbox.fetch('/api/services', { headers: { accept, authorization: `Bearer ${token}` } });
  const refresh = (refreshToken: string, secret = clientSecret, id = clientId) =>
    sandbox.fetch(
      '/api/oauth2/refresh-token',
      formPost(
        {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: id,
          client_secret: secret,
        },
        { accept: cloudlxAccept },
      ),
    );
  return { clock, sandbox, grant, services, refresh };
}

describe('CloudLX sandbox', () => {
  it('issues a token for client credentials sent as a form or as JSON', async () => {
    const { sandbox, grant } = setup({ accessTokenTtlSeconds: 2 });
    const form = await grant();
    expect(form).toMatchObject({ token_type: 'Bearer', expires_in: 2 });
    expect(form.access_token).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(form.refresh_token).toMatch(/^[A-Za-z0-9]{40}$/);
    const { clientId, clientSecret } = sandbox.credentials;
    const json = await sandbox.fetch(
      '/api/oauth2/access-token',
      jsonPost(
        { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        { accept: cloudlxAccept },
      ),
    );
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(sandbox.control.counters().primaryGrants).toBe(2);
  });

  it('has 40-character alphanumeric default credentials, like the real ones', () => {
    const { sandbox } = setup();
    for (const value of Object.values(sandbox.credentials))
      expect(value).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it('expires an access token after the configured lifetime', async () => {
    const { clock, sandbox, grant, services } = setup({ accessTokenTtlSeconds: 2 });
    const token = await grant();
    clock.advance(1999);
    expect((await services(token.access_token)).status).toBe(200);
    clock.advance(1);
    const expired = await services(token.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      message:
        'Failed to authenticate because of bad credentials or an invalid authorization header.',
      status_code: 401,
    });
    expect(sandbox.control.counters().unauthorized).toBe(1);
  });

  it('rotates refresh tokens: the old one and its access token stop working', async () => {
    const { sandbox, grant, refresh, services } = setup();
    const first = await grant();
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as typeof first;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await services(first.access_token)).status).toBe(401);
    expect((await services(second.access_token)).status).toBe(200);

    const reused = await refresh(first.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The refresh token is invalid.',
    });
    expect(sandbox.control.counters()).toMatchObject({ refreshes: 1, reuseDetections: 1 });
  });

  it('expires refresh tokens after their lifetime, then only the client credentials work', async () => {
    const { clock, grant, refresh } = setup({ refreshTokenTtlSeconds: 5 });
    const token = await grant();
    clock.advance(5000);
    expect((await refresh(token.refresh_token)).status).toBe(400);
    await expect(grant()).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('refuses a refresh token presented by another client, and a wrong secret', async () => {
    const { sandbox, grant, refresh } = setup();
    const token = await grant();
    const { unprivilegedClientId, unprivilegedClientSecret } = sandbox.credentials;
    expect(
      (await refresh(token.refresh_token, unprivilegedClientSecret, unprivilegedClientId)).status,
    ).toBe(400);
    const wrongSecret = await refresh(token.refresh_token, 'x'.repeat(40));
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
    // Neither failure consumed the refresh token.
    expect((await refresh(token.refresh_token)).status).toBe(200);
  });

  it('gives the no-permission client 403 on every resource', async () => {
    const { sandbox } = setup();
    const { unprivilegedClientId, unprivilegedClientSecret } = sandbox.credentials;
    const token = await cloudlxGrant(
      sandbox.fetch,
      sandbox.url,
      unprivilegedClientId,
      unprivilegedClientSecret,
    );
    for (const path of ['/api/services', '/api/users', '/api/customers']) {
      const res = await sandbox.fetch(path, {
        headers: { accept: cloudlxAccept, authorization: `Bearer ${token.access_token}` },
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        message: 'This action is unauthorized.',
        status_code: 403,
      });
    }
  });

  it('serves deterministic seed data wrapped in a key named after the resource', async () => {
    const { sandbox, grant } = setup();
    const token = await grant();
    const get = async (path: string) =>
      (await sandbox
        .fetch(path, {
          headers: { accept: cloudlxAccept, authorization: `Bearer ${token.access_token}` },
        })
        .then((r) => r.json())) as Record<string, unknown[]>;
    const services = await get('/api/services');
    const users = await get('/api/users');
    const customers = await get('/api/customers');
    expect(services.services).toHaveLength(12);
    expect(services.services?.[0]).toEqual({
      id: 1001,
      name: 'sandbox-aws-london-1',
      vlan: 100,
      nni_vlan: 2100,
      created: '2025-01-01 08:00:00',
      cancellation_date: null,
      bandwidth: 50,
      paused: false,
      expired: false,
      type: 'aws',
      port: 'sandbox-port-1',
    });
    expect(users.users).toHaveLength(8);
    expect(customers.customers).toHaveLength(3);
    expect(await get('/api/services')).toEqual(services);
  });

  it('counts requests whose Accept lacks the vendor media type, and still serves them', async () => {
    const { sandbox, grant, services } = setup();
    const token = await grant();
    expect((await services(token.access_token, cloudlxAccept)).status).toBe(200);
    expect((await services(token.access_token, `${cloudlxAccept}, application/json`)).status).toBe(
      200,
    );
    expect((await services(token.access_token, 'Application/VND.cloudlx.v1+JSON')).status).toBe(
      200,
    );
    expect(sandbox.control.counters().missingVendorAccept).toBe(0);
    expect((await services(token.access_token, 'application/json')).status).toBe(200);
    expect((await services(token.access_token, '*/*')).status).toBe(200);
    expect(sandbox.control.counters().missingVendorAccept).toBe(2);
  });

  it('revokes access tokens (refresh still works) and refresh tokens (grant again)', async () => {
    const { sandbox, grant, refresh, services } = setup();
    const token = await grant();
    expect(sandbox.control.revokeAccessTokens()).toBe(1);
    expect((await services(token.access_token)).status).toBe(401);
    const renewed = (await (await refresh(token.refresh_token)).json()) as typeof token;
    expect((await services(renewed.access_token)).status).toBe(200);
    expect(sandbox.control.revokeRefreshTokens()).toBe(1);
    expect((await refresh(renewed.refresh_token)).status).toBe(400);
    expect(sandbox.control.counters().reuseDetections).toBe(0);
    expect(sandbox.control.state().tokens).toEqual({
      accessTokens: 1,
      refreshTokens: 0,
      sessions: 0,
    });
  });

  it('answers 401 on every resource while resources are made unauthorized', async () => {
    const { sandbox, grant, services } = setup();
    const token = await grant();
    sandbox.control.setResourcesUnauthorized(true);
    expect((await services(token.access_token)).status).toBe(401);
    await expect(grant()).resolves.toBeDefined();
    sandbox.control.setResourcesUnauthorized(false);
    expect((await services(token.access_token)).status).toBe(200);
  });

  it('accepts overridden credentials instead of the defaults', async () => {
    const clientId = 'A'.repeat(40);
    const clientSecret = 'B'.repeat(40);
    const sandbox = createSandbox({ vendor: 'cloudlx', credentials: { clientId, clientSecret } });
    await expect(
      cloudlxGrant(sandbox.fetch, sandbox.url, clientId, clientSecret),
    ).resolves.toBeDefined();
    await expect(
      cloudlxGrant(
        sandbox.fetch,
        sandbox.url,
        'sandboxCloudlxClientId000000000000000000',
        'sandboxCloudlxClientSecret00000000000000',
      ),
    ).rejects.toThrow('401');
  });

  it('answers unknown paths 404 and wrong methods 405 in its error format', async () => {
    const { sandbox } = setup();
    const missing = await sandbox.fetch('/api/nothing');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: '404 Not Found', status_code: 404 });
    const method = await sandbox.fetch('/api/services', { method: 'DELETE' });
    expect(method.status).toBe(405);
  });
});
