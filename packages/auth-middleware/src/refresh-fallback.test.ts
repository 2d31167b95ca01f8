import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CredentialsRejectedError,
  TokenEndpointError,
  TokenRequestError,
} from './errors';
import type { GrantStrategy } from './grant';
import type { AuthErrorEvent } from './observability';
import {
  FakeClock,
  FakeOAuthServer,
  jsonResponse,
  oauthStrategy,
} from './test-support/fake-oauth-server';
import { TokenManager } from './token-manager';

function setup(strategy?: (server: FakeOAuthServer) => GrantStrategy) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock, expiresIn: 3600 });
  const errors: AuthErrorEvent[] = [];
  const manager = new TokenManager(strategy?.(server) ?? oauthStrategy({ fetch: server.fetch }), {
    clock: clock.read,
    // The fallback rules alone: retries of passing failures have their own tests.
    retry: false,
    hooks: { onAuthError: (event) => errors.push(event) },
  });
  const expire = () => clock.advance(3600_000);
  return { clock, server, manager, errors, expire };
}

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain' } });

describe('fallback to acquire when the refresh is rejected', () => {
  it.each([
    ['400 invalid_grant', () => jsonResponse({ error: 'invalid_grant' }, 400)],
    ['401 text/plain (Sensu)', () => text('Request unauthorized', 401)],
  ])('falls back to the primary grant after %s', async (_name, refusal) => {
    const { server, manager, expire } = setup();
    await manager.getTokens();
    expire();
    server.tokenOverrides.push(refusal);
    const tokens = await manager.getTokens();
    expect(server.tokenCalls.map((call) => call.grantType)).toEqual([
      'client_credentials',
      'refresh_token',
      'client_credentials',
    ]);
    expect(server.isValid(tokens.accessToken)).toBe(true);
  });

  it('falls back when the server really revoked the refresh token', async () => {
    const { server, manager, expire } = setup();
    await manager.getTokens();
    server.revokeAllRefreshTokens();
    expire();
    const tokens = await manager.getTokens();
    expect(server.acquireCalls).toBe(2);
    expect(server.isValid(tokens.accessToken)).toBe(true);
  });

  it('throws a typed CredentialsRejectedError when the acquire after it is refused too', async () => {
    const { server, manager, expire, errors } = setup();
    await manager.getTokens();
    expire();
    server.tokenOverrides.push(
      () => jsonResponse({ error: 'invalid_grant' }, 400),
      () =>
        jsonResponse(
          { error: 'invalid_client', error_description: 'Client authentication failed.' },
          401,
        ),
    );
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({
      code: 'CREDENTIALS_REJECTED',
      status: 401,
      error: 'invalid_client',
      errorDescription: 'Client authentication failed.',
    });
    expect(String(error)).toMatch(/credentials were refused/);
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors.map((event) => event.code)).toEqual(['CREDENTIALS_REJECTED']);
  });

  it('does not fall back on a server failure (5xx): the refresh error is thrown', async () => {
    const { server, manager, expire } = setup();
    await manager.getTokens();
    expire();
    server.tokenOverrides.push(() => jsonResponse({ error: 'server_error' }, 503));
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).not.toBeInstanceOf(CredentialsRejectedError);
    expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT_ERROR', status: 503 });
    expect(server.acquireCalls).toBe(1);
  });

  it('does not cache a failed refresh: the next call tries again and succeeds', async () => {
    const { server, manager, expire } = setup();
    await manager.getTokens();
    expire();
    server.tokenOverrides.push(() => text('upstream down', 502));
    await expect(manager.getTokens()).rejects.toBeInstanceOf(TokenEndpointError);
    const tokens = await manager.getTokens();
    expect(server.refreshCalls).toBe(2);
    expect(server.isValid(tokens.accessToken)).toBe(true);
  });

  it('keeps using a still-valid token when a proactive refresh fails transiently, and retries later', async () => {
    const { server, manager, clock } = setup();
    const first = await manager.getTokens();
    clock.advance(3600_000 - 10_000); // inside the 30 s skew, 10 s before expiry
    server.tokenOverrides.push(() => text('maintenance', 503));
    const during = await manager.getTokens();
    expect(during.accessToken).toBe(first.accessToken);
    expect(server.refreshCalls).toBe(1);
    const after = await manager.getTokens();
    expect(server.refreshCalls).toBe(2);
    expect(after.accessToken).not.toBe(first.accessToken);
  });

  it('throws a TokenRequestError (not a raw TypeError) when the token request fails on the network', async () => {
    const { manager } = setup((server) =>
      oauthStrategy({
        fetch: async (request) => {
          if (request.url.includes('oauth')) throw new TypeError('fetch failed');
          return server.fetch(request);
        },
      }),
    );
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('honours a strategy-defined isRefreshRejected and isCredentialsRejected', async () => {
    const { server, manager, expire } = setup((server) => ({
      ...oauthStrategy({ fetch: server.fetch }),
      isRefreshRejected: (error) => error instanceof TokenEndpointError && error.status === 409,
      isCredentialsRejected: (error) => error instanceof TokenEndpointError && error.status === 403,
    }));
    await manager.getTokens();
    expire();
    server.tokenOverrides.push(
      () => jsonResponse({ error: 'conflict' }, 409),
      () => jsonResponse({ error: 'forbidden' }, 403),
    );
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(server.acquireCalls).toBe(2);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect(error).toBeInstanceOf(AuthError);
  });
});
