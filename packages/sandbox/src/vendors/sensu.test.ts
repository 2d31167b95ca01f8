import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../base64url';
import { createManualClock } from '../clock';
import { createSandbox } from '../create-sandbox';
import { basic, jwtPart, sensuLogin, sensuRefresh } from '../test-support/requests';

function setup(options: { accessTokenTtlSeconds?: number; refreshTokenTtlSeconds?: number } = {}) {
  const clock = createManualClock();
  const sandbox = createSandbox({ vendor: 'sensu', clock, ...options });
  const s = sandbox.credentials;
  const login = () => sensuLogin(sandbox.fetch, sandbox.url, s.username, s.password);
  const refresh = (access: string, refreshToken: string) =>
    sandbox.fetch('/auth/token', sensuRefresh(access, refreshToken));
  const api = (path: string, authorization: string) =>
    sandbox.fetch(path, { headers: { authorization } });
  return { clock, sandbox, s, login, refresh, api };
}

describe('Sensu Go sandbox', () => {
  it('exchanges Basic credentials for an HS256 JWT with the Sensu claims', async () => {
    const { clock, sandbox, login } = setup({ accessTokenTtlSeconds: 2 });
    const tokens = await login();
    expect(tokens.expires_at).toBe(Math.floor(clock.now() / 1000) + 2);
    expect(jwtPart(tokens.access_token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = jwtPart(tokens.access_token, 1);
    expect(claims).toMatchObject({
      sub: 'sandbox-admin',
      exp: tokens.expires_at,
      iss: 'http://sensu.sandbox.invalid',
      groups: ['cluster-admins', 'system:users'],
      provider: { provider_id: 'basic', provider_type: 'basic', user_id: 'sandbox-admin' },
    });
    expect(claims.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(jwtPart(tokens.refresh_token, 1).session_id).toBe(claims.session_id);
    expect(sandbox.control.state().tokens).toEqual({
      accessTokens: 1,
      refreshTokens: 1,
      sessions: 1,
    });
  });

  it('answers login failures in plain text: Unauthorized, or Request unauthorized without a header', async () => {
    const { sandbox, s } = setup();
    const wrong = await sandbox.fetch('/auth', {
      headers: { authorization: basic(s.username, 'nope') },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await wrong.text()).toBe('Unauthorized\n');
    const none = await sandbox.fetch('/auth');
    expect(await none.text()).toBe('Request unauthorized\n');
    // Anything but Basic must be a validly signed token (then the missing body is the error).
    const garbage = await sandbox.fetch('/auth', { headers: { authorization: 'Bearer garbage' } });
    expect([garbage.status, await garbage.text()]).toEqual([401, 'Request unauthorized\n']);
    const tokens = await sensuLogin(sandbox.fetch, sandbox.url, s.username, s.password);
    const signed = await sandbox.fetch('/auth', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect([signed.status, await signed.text()]).toEqual([400, 'EOF\n']);
    const test = await sandbox.fetch('/auth/test', {
      headers: { authorization: basic(s.username, s.password) },
    });
    expect(test.status).toBe(200);
    expect(await test.text()).toBe('');
    expect(sandbox.control.state().tokens.sessions).toBe(1);
  });

  it('refreshes with an expired but validly signed access token, and rejects a forged one', async () => {
    const { clock, sandbox, login, refresh, api } = setup();
    const tokens = await login();
    clock.advance(300_000);
    expect((await api('/api/core/v2/namespaces', `Bearer ${tokens.access_token}`)).status).toBe(
      401,
    );
    const renewed = await refresh(tokens.access_token, tokens.refresh_token);
    expect(renewed.status).toBe(200);

    // Same header and signature, different claims: the signature no longer matches.
    const [header, , signature] = tokens.access_token.split('.');
    const claims = { ...jwtPart(tokens.access_token, 1), exp: 9_999_999_999 };
    const forged = `${header}.${encodeBase64url(JSON.stringify(claims))}.${signature}`;
    const rejected = await refresh(forged, tokens.refresh_token);
    expect(rejected.status).toBe(401);
    expect(await rejected.text()).toBe('Request unauthorized\n');
    // A token from another backend (another secret) is just as foreign.
    const other = createSandbox({ vendor: 'sensu' });
    const foreign = await sensuLogin(other.fetch, other.url, 'sandbox-admin', 'sandbox-password');
    expect((await refresh(foreign.access_token, tokens.refresh_token)).status).toBe(401);
    expect(sandbox.control.counters().refreshes).toBe(1);
  });

  it('rotates refresh tokens and treats reuse of an old one as theft', async () => {
    const { sandbox, login, refresh } = setup();
    const first = await login();
    const second = (await (
      await refresh(first.access_token, first.refresh_token)
    ).json()) as typeof first;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const third = (await (
      await refresh(second.access_token, second.refresh_token)
    ).json()) as typeof first;

    const reuse = await refresh(first.access_token, first.refresh_token);
    expect(reuse.status).toBe(400);
    expect(await reuse.text()).toBe('invalid access token\n');
    // The whole session is gone: even the newest refresh token no longer works.
    const after = await refresh(third.access_token, third.refresh_token);
    expect(after.status).toBe(401);
    expect(await after.text()).toBe('Unauthorized\n');
    expect(sandbox.control.counters()).toMatchObject({ refreshes: 2, reuseDetections: 1 });
    expect(sandbox.control.state().tokens.sessions).toBe(0);
  });

  it('ends a session left idle past its lifetime', async () => {
    const { clock, login, refresh } = setup({ refreshTokenTtlSeconds: 2 });
    const tokens = await login();
    clock.advance(1999);
    const renewed = (await (
      await refresh(tokens.access_token, tokens.refresh_token)
    ).json()) as typeof tokens;
    clock.advance(2000);
    const dead = await refresh(renewed.access_token, renewed.refresh_token);
    expect(dead.status).toBe(401);
    expect(await dead.text()).toBe('Unauthorized\n');
  });

  it('logs out: the session ends, the access token lives on until it expires', async () => {
    const { sandbox, login, refresh, api } = setup();
    const tokens = await login();
    const out = await sandbox.fetch(
      '/auth/logout',
      sensuRefresh(tokens.access_token, tokens.refresh_token),
    );
    expect(out.status).toBe(200);
    expect((await refresh(tokens.access_token, tokens.refresh_token)).status).toBe(401);
    expect((await api('/api/core/v2/namespaces', `Bearer ${tokens.access_token}`)).status).toBe(
      200,
    );
    // Logging out again (no session left) is still fine.
    expect(
      (await sandbox.fetch('/auth/logout', sensuRefresh(tokens.access_token, tokens.refresh_token)))
        .status,
    ).toBe(200);
  });

  it('revokes access tokens for the API but still refreshes them; revokes sessions', async () => {
    const { sandbox, login, refresh, api } = setup();
    const tokens = await login();
    expect(sandbox.control.revokeAccessTokens()).toBe(1);
    const denied = await api('/api/core/v2/namespaces', `Bearer ${tokens.access_token}`);
    expect(denied.status).toBe(401);
    expect(await denied.text()).toBe('{"Code":5,"Message":"invalid credentials"}');
    const renewed = await refresh(tokens.access_token, tokens.refresh_token);
    expect(renewed.status).toBe(200);
    const fresh = (await renewed.json()) as typeof tokens;
    expect((await api('/api/core/v2/namespaces', `Bearer ${fresh.access_token}`)).status).toBe(200);
    expect(sandbox.control.revokeRefreshTokens()).toBe(1);
    expect((await refresh(fresh.access_token, fresh.refresh_token)).status).toBe(401);
  });

  it('authenticates the API with a Bearer token or `Key <api key>`', async () => {
    const { s, api } = setup();
    expect((await api('/api/core/v2/namespaces', `Key ${s.apiKey}`)).status).toBe(200);
    const unknown = await api(
      '/api/core/v2/namespaces',
      'Key 00000000-0000-4000-8000-00000000dead',
    );
    expect(await unknown.text()).toBe('{"Code":5,"Message":"invalid credentials"}');
    const scheme = await api('/api/core/v2/namespaces', basic(s.username, s.password));
    expect(scheme.status).toBe(401);
    expect(await scheme.text()).toBe('{"Code":5,"Message":"bad credentials"}');
  });

  it('denies a user without role bindings: 500 for namespaces, 403 for entities', async () => {
    const { sandbox, s, api } = setup();
    const tokens = await sensuLogin(
      sandbox.fetch,
      sandbox.url,
      s.unprivilegedUsername,
      s.unprivilegedPassword,
    );
    const namespaces = await api('/api/core/v2/namespaces', `Bearer ${tokens.access_token}`);
    expect(namespaces.status).toBe(500);
    expect(await namespaces.text()).toBe('{"message":"request unauthorized","code":0}');
    const entities = await api(
      '/api/core/v2/namespaces/default/entities',
      `Bearer ${tokens.access_token}`,
    );
    expect(entities.status).toBe(403);
    expect(await entities.text()).toBe('{"Code":4,"Message":"unauthorized to perform action"}');
  });

  it('pages 25 entities with limit/continue and the Sensu-Continue header', async () => {
    const { s, api } = setup();
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=10' : `?limit=10&continue=${cursor}`;
      const res: Response = await api(
        `/api/core/v2/namespaces/default/entities${query}`,
        `Key ${s.apiKey}`,
      );
      const page = (await res.json()) as Array<{ metadata: { name: string; namespace: string } }>;
      names.push(...page.map((e) => e.metadata.name));
      cursor = res.headers.get('sensu-continue');
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(names).toHaveLength(25);
    expect([...names].sort()).toEqual(names);
    const all = await api('/api/core/v2/namespaces/default/entities', `Key ${s.apiKey}`);
    expect(await all.json()).toHaveLength(25);
    expect(all.headers.get('sensu-continue')).toBeNull();
    const prod = await api(
      '/api/core/v2/namespaces/production/entities?limit=abc',
      `Key ${s.apiKey}`,
    );
    expect(await prod.json()).toHaveLength(3);
    expect(
      await (await api('/api/core/v2/namespaces/nowhere/entities', `Key ${s.apiKey}`)).json(),
    ).toEqual([]);
    // A continue token that is not base64url is ignored: the first page again.
    const ignored = await api(
      '/api/core/v2/namespaces/default/entities?limit=1&continue=!!',
      `Key ${s.apiKey}`,
    );
    expect(
      ((await ignored.json()) as Array<{ metadata: { name: string } }>)[0]?.metadata.name,
    ).toBe(names[0]);
  });

  it('reports health and version as JSON text, and Go parse errors as plain text', async () => {
    const { sandbox } = setup();
    const health = await sandbox.fetch('/health');
    expect(health.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(JSON.parse(await health.text())).toMatchObject({
      Alarms: null,
      ClusterHealth: [{ Healthy: true }],
    });
    const version = JSON.parse(await (await sandbox.fetch('/version')).text()) as {
      sensu_backend: string;
    };
    expect(version.sensu_backend).toBe('6.12.0');
    const timeout = await sandbox.fetch('/health?timeout=soon');
    expect(timeout.status).toBe(400);
    expect(await timeout.text()).toBe('strconv.Atoi: parsing "soon": invalid syntax\n');
    for (const query of ['?%zz', '?a=1;b=2']) {
      const res = await sandbox.fetch(`/version${query}`);
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('Request exceeded max length\n');
    }
  });

  it('forgets every token on reset(): old ones no longer verify', async () => {
    const { sandbox, login, api } = setup();
    const tokens = await login();
    sandbox.control.reset();
    expect((await api('/api/core/v2/namespaces', `Bearer ${tokens.access_token}`)).status).toBe(
      401,
    );
    expect(sandbox.control.state().tokens).toEqual({
      accessTokens: 0,
      refreshTokens: 0,
      sessions: 0,
    });
    expect(sandbox.control.counters().unauthorized).toBe(1);
  });
});
