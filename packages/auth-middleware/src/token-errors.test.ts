import { describe, expect, it } from 'vitest';
import { createTokenAuth } from './auth';
import { CredentialsRejectedError, InvalidTokenResponseError, TokenEndpointError } from './errors';
import type { AuthLogger } from './observability';
import {
  API_BASE,
  CLIENT_SECRET,
  FakeClock,
  FakeOAuthServer,
  jsonResponse,
  oauthStrategy,
} from './test-support/fake-oauth-server';
import { TokenManager } from './token-manager';

function setup() {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock, expiresIn: 3600 });
  const lines: Array<[string, string, unknown]> = [];
  const logger: AuthLogger = {
    info: (message, fields) => lines.push(['info', message, fields]),
    warn: (message, fields) => lines.push(['warn', message, fields]),
  };
  const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
    clock: clock.read,
    retry: { sleep: async () => {} },
    logger,
  });
  return { clock, server, manager, lines };
}

const grants = (server: FakeOAuthServer) => server.tokenCalls.map((call) => call.grantType);

describe('a refresh that answers 200 without a usable token', () => {
  it.each([
    ['no access_token', { token_type: 'Bearer', expires_in: 3600 }],
    ['an empty access_token', { access_token: '', token_type: 'Bearer' }],
  ])('(%s) falls back to the primary grant, and the call succeeds', async (_label, body) => {
    const { server, manager, clock, lines } = setup();
    await manager.getTokens();
    clock.advance(3_600_000);
    server.tokenOverrides.push(() => jsonResponse(body));
    const tokens = await manager.getTokens();
    expect(grants(server)).toEqual(['client_credentials', 'refresh_token', 'client_credentials']);
    expect(server.isValid(tokens.accessToken)).toBe(true);
    expect(lines).toContainEqual([
      'info',
      'tokenwire: the refresh answered without a usable token; falling back to the primary grant',
      expect.objectContaining({ field: 'access_token' }),
    ]);
  });

  it('through createTokenAuth after a 401: the replay carries the primary grant’s token', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const auth = createTokenAuth({
      strategy: oauthStrategy({ fetch: server.fetch }),
      clock: clock.read,
      retry: false,
    });
    const fetch = auth.wrapFetch(server.fetch);
    await fetch(new Request(`${API_BASE}/things`));
    server.revokeAllAccessTokens();
    server.tokenOverrides.push(() => jsonResponse({ token_type: 'Bearer' }));
    const response = await fetch(new Request(`${API_BASE}/things`));
    expect(response.status).toBe(200);
    expect(grants(server)).toEqual(['client_credentials', 'refresh_token', 'client_credentials']);
    expect(server.apiCalls.map((call) => call.token)).toEqual(['access-1', 'access-1', 'access-2']);
  });

  it('a primary grant that answers 200 without access_token is an InvalidTokenResponseError (no loop)', async () => {
    const { server, manager } = setup();
    server.tokenOverrides.push(() => jsonResponse({ token_type: 'Bearer' }));
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenResponseError);
    expect(error).toMatchObject({ field: 'access_token' });
    expect(server.tokenCalls).toHaveLength(1);
  });
});

describe('primary grant refusals: the request was wrong, or the credentials', () => {
  it.each([
    ['invalid_request', 'The request is missing a required parameter.'],
    ['unsupported_grant_type', 'client_credentials is not enabled for this client.'],
    ['invalid_scope', 'Unknown scope.'],
  ])(
    '400 %s is a TokenEndpointError (not CredentialsRejectedError) naming the OAuth error',
    async (oauthError, description) => {
      const { server, manager } = setup();
      server.tokenOverrides.push(() =>
        jsonResponse({ error: oauthError, error_description: description }, 400),
      );
      const error = await manager.getTokens().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenEndpointError);
      expect(error).not.toBeInstanceOf(CredentialsRejectedError);
      expect(error).toMatchObject({
        code: 'TOKEN_ENDPOINT_ERROR',
        status: 400,
        error: oauthError,
        errorDescription: description,
      });
      expect((error as Error).message).toContain(`${oauthError}: ${description}`);
      expect((error as Error).message).not.toMatch(/credentials were refused/);
      expect(server.tokenCalls).toHaveLength(1);
    },
  );

  it.each([
    ['400 invalid_client', 400, { error: 'invalid_client' }],
    ['400 invalid_grant', 400, { error: 'invalid_grant', error_description: 'Bad password.' }],
    ['400 unauthorized_client', 400, { error: 'unauthorized_client' }],
    ['400 without an OAuth error', 400, { message: 'Bad credentials' }],
    ['401 invalid_client', 401, { error: 'invalid_client' }],
    ['401 without an OAuth error', 401, { message: 'Unauthorized' }],
  ])('%s is a CredentialsRejectedError', async (_label, status, body) => {
    const { server, manager } = setup();
    server.tokenOverrides.push(() => jsonResponse(body, status));
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({
      name: 'CredentialsRejectedError',
      code: 'CREDENTIALS_REJECTED',
      status,
    });
    if ('error' in body) expect(error).toMatchObject({ error: body.error });
    expect((error as Error).message).toMatch(/The fake credentials were refused: check them\./);
    expect((error as Error).message).not.toContain(CLIENT_SECRET);
    expect((error as TokenEndpointError).response).toBeInstanceOf(Response);
    expect(server.tokenCalls).toHaveLength(1);
  });

  it('a 401 from the real fake server (wrong secret) is a CredentialsRejectedError that never quotes the secret', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const wrong = 'wrong-secret-do-not-leak';
    const manager = new TokenManager(oauthStrategy({ fetch: server.fetch, clientSecret: wrong }), {
      clock: clock.read,
      retry: { sleep: async () => {} },
    });
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect(JSON.stringify(error)).not.toContain(wrong);
    expect((error as Error).message).not.toContain(wrong);
  });

  it('a refresh refused with 400 invalid_request falls back to the primary grant (refusal, not credentials)', async () => {
    const { server, manager, clock } = setup();
    await manager.getTokens();
    clock.advance(3_600_000);
    server.tokenOverrides.push(() => jsonResponse({ error: 'invalid_request' }, 400));
    const tokens = await manager.getTokens();
    expect(grants(server)).toEqual(['client_credentials', 'refresh_token', 'client_credentials']);
    expect(server.isValid(tokens.accessToken)).toBe(true);
  });
});
