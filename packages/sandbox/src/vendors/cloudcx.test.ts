import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock';
import { createSandbox } from '../create-sandbox';
import type { CloudcxSandboxOptions } from '../options';
import { cloudcxGrant, formPost, jwtPart } from '../test-support/requests';

interface Envelope {
  code: string;
  message: string | null;
  data: null | {
    totalPages: number;
    totalElements: number;
    size: number;
    number: number;
    numberOfElements: number;
    content: Array<{ loginCode: string; firstName: string; lastName: string; email: string }>;
  };
}

function setup(options: Omit<CloudcxSandboxOptions, 'vendor'> = {}) {
  const clock = createManualClock();
  const sandbox = createSandbox({ vendor: 'cloudcx', clock, ...options });
  const c = sandbox.credentials;
  const grant = () => cloudcxGrant(sandbox.fetch, sandbox.url, c);
  const refresh = (refreshToken: string) =>
    sandbox.fetch(
      '/oauth/token',
      formPost({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: c.clientId,
        client_secret: c.clientSecret,
      }),
    );
  const users = (bearer: string, query = '') =>
    sandbox.fetch(`/openapi/v2/user/page${query}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
  return { clock, sandbox, c, grant, refresh, users };
}

describe('CloudCX sandbox', () => {
  it('issues an RS256 JWT for the password grant, with the vendor claims', async () => {
    const { clock, grant } = setup({ accessTokenTtlSeconds: 2 });
    clock.advance(500); // mid-second: expiry counts from the millisecond of issue
    const token = await grant();
    expect(token.expires_in).toBe(2);
    expect(jwtPart(token.access_token, 0)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    const claims = jwtPart(token.access_token, 1);
    expect(claims).toMatchObject({
      sub: 'sandbox-cloudcx-client',
      aud: 'sandbox-cloudcx-client',
      'user-id': '3f1c2a9e-0000-4000-8000-000000000001',
      iss: 'http://cloudcx.sandbox.invalid',
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(2);
  });

  it('reuses the refresh token: the same one keeps working, old access tokens stay valid', async () => {
    const { sandbox, grant, refresh, users } = setup();
    const first = await grant();
    for (let i = 0; i < 3; i++) {
      const res = await refresh(first.refresh_token);
      expect(res.status).toBe(200);
      expect(((await res.json()) as typeof first).refresh_token).toBe(first.refresh_token);
    }
    expect((await users(first.access_token)).status).toBe(200);
    expect(sandbox.control.counters()).toMatchObject({
      primaryGrants: 1,
      refreshes: 3,
      reuseDetections: 0,
    });
  });

  it('can issue tokens without a refresh token, like the vendor example', async () => {
    const { grant } = setup({ issueRefreshTokens: false });
    const token = await grant();
    expect(token).not.toHaveProperty('refresh_token');
  });

  it('answers the Spring errors for bad users, bad refresh tokens and bad clients', async () => {
    const { sandbox, c, clock, grant, refresh } = setup({ refreshTokenTtlSeconds: 10 });
    const badUser = await sandbox.fetch(
      '/oauth/token',
      formPost({
        grant_type: 'password',
        client_id: c.clientId,
        client_secret: c.clientSecret,
        username: c.username,
        password: 'nope',
      }),
    );
    expect(badUser.status).toBe(400);
    expect(await badUser.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Bad credentials',
    });
    const token = await grant();
    clock.advance(10_000);
    const expired = await refresh(token.refresh_token);
    expect(expired.status).toBe(400);
    expect(await expired.json()).toEqual({ error: 'invalid_grant' });
    const badClient = await sandbox.fetch(
      '/oauth/token',
      formPost({
        grant_type: 'password',
        client_id: 'someone-else',
        client_secret: c.clientSecret,
        username: c.username,
        password: c.password,
      }),
    );
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('answers 401 with an empty body and the reason in WWW-Authenticate', async () => {
    const { sandbox, clock, grant, users } = setup({ accessTokenTtlSeconds: 60 });
    const none = await sandbox.fetch('/openapi/v2/user/page');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.text()).toBe('');
    const malformed = await users('has spaces');
    expect(malformed.headers.get('www-authenticate')).toContain(
      'error_description="Bearer token is malformed"',
    );
    const token = await grant();
    clock.advance(60_000);
    const expired = await users(token.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token", error_description="An error occurred while attempting to decode the Jwt: Jwt expired at 2026-01-01T00:01:00Z", error_uri="https:\/\/tools\.ietf\.org\/html\/rfc6750#section-3\.1"$/,
    );
    expect(sandbox.control.counters().unauthorized).toBe(3);
  });

  it('accepts the API key as a bearer, revocation of access tokens notwithstanding', async () => {
    const { sandbox, c, grant, users } = setup();
    const token = await grant();
    sandbox.control.revokeAccessTokens();
    expect((await users(token.access_token)).status).toBe(401);
    expect((await users(c.apiKey)).status).toBe(200);
    sandbox.control.setResourcesUnauthorized(true);
    expect((await users(c.apiKey)).status).toBe(401);
  });

  it('pages 60 users with a 1-based pageIndex and a 0-based data.number', async () => {
    const { c, users } = setup();
    const page = async (query: string) => (await (await users(c.apiKey, query)).json()) as Envelope;
    const first = await page('?pageIndex=1&pageSize=25');
    expect(first).toMatchObject({ code: '0000', message: null });
    expect(first.data).toMatchObject({
      totalPages: 3,
      totalElements: 60,
      size: 25,
      number: 0,
      numberOfElements: 25,
    });
    expect(first.data?.content[0]?.loginCode).toBe(c.username);
    expect((await page('?pageIndex=3&pageSize=25')).data).toMatchObject({
      number: 2,
      numberOfElements: 10,
    });
    expect((await page('?pageIndex=4&pageSize=25')).data).toMatchObject({
      number: 3,
      numberOfElements: 0,
      content: [],
    });
    expect((await page('')).data).toMatchObject({ size: 25, number: 0 });
    const ids = new Set<string>();
    for (let index = 1; index <= 6; index++) {
      for (const user of (await page(`?pageIndex=${index}&pageSize=10`)).data?.content ?? [])
        ids.add(user.loginCode);
    }
    expect(ids.size).toBe(60);
  });

  it('filters by keywords across login code, names and e-mail', async () => {
    const { c, users } = setup();
    const result = (await (await users(c.apiKey, '?keywords=SI&pageSize=100')).json()) as Envelope;
    expect(result.data?.totalElements).toBeGreaterThan(5);
    for (const user of result.data?.content ?? []) {
      expect(
        `${user.loginCode} ${user.firstName} ${user.lastName} ${user.email}`.toLowerCase(),
      ).toContain('si');
    }
  });

  it('reports bad paging values as a business error with HTTP 200', async () => {
    const { c, users } = setup();
    for (const query of [
      '?pageIndex=0',
      '?pageSize=-1',
      '?pageIndex=abc',
      '?pageIndex=99999999999',
    ]) {
      const res = await users(c.apiKey, query);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        code: '1001',
        message: 'Invalid request parameter',
        data: null,
      });
    }
  });

  it('injects a business error only after authentication', async () => {
    const { sandbox, c, users } = setup();
    sandbox.control.injectFault({
      kind: 'business-error',
      code: '2002',
      message: 'Tenant suspended',
    });
    expect((await users('bogus')).status).toBe(401);
    const res = await users(c.apiKey);
    expect(await res.json()).toEqual({ code: '2002', message: 'Tenant suspended', data: null });
  });
});
