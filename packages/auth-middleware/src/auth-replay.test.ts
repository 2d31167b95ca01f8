import createClient, { type Client } from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { createTokenAuth, type TokenAuth } from './auth';
import { CredentialsRejectedError } from './errors';
import type { AuthErrorEvent } from './observability';
import {
  API_BASE,
  FakeClock,
  FakeOAuthServer,
  jsonResponse,
  oauthStrategy,
  TOKEN_URL,
  until,
} from './test-support/fake-oauth-server';
import type { TestPaths } from './test-support/openapi-test-paths';

type Form = 'wrapFetch' | 'middleware';
const FORMS: Form[] = ['wrapFetch', 'middleware'];

function setup(
  form: Form,
  options: { apiFetch?: (request: Request) => Promise<Response>; expiresIn?: number } = {},
) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock, expiresIn: options.expiresIn ?? 3600 });
  const errors: AuthErrorEvent[] = [];
  const auth = createTokenAuth({
    strategy: oauthStrategy({ fetch: server.fetch }),
    clock: clock.read,
    hooks: { onAuthError: (event) => errors.push(event) },
  });
  const apiFetch = options.apiFetch ?? server.fetch;
  let client: Client<TestPaths>;
  if (form === 'wrapFetch') {
    client = createClient<TestPaths>({ baseUrl: API_BASE, fetch: auth.wrapFetch(apiFetch) });
  } else {
    client = createClient<TestPaths>({ baseUrl: API_BASE, fetch: apiFetch });
    client.use(auth.middleware);
  }
  return { clock, server, auth, client, errors };
}

/** Gets a token, then has the server revoke it, so the next API call answers 401. */
async function revokeCurrentToken(auth: TokenAuth, server: FakeOAuthServer): Promise<string> {
  const token = await auth.getAccessToken();
  server.revokeAccessToken(token);
  return token;
}

const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
const BINARY = Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 3) % 256);

describe.each(FORMS)('%s', (form) => {
  it('puts a lazily acquired Bearer token on the request and reuses it', async () => {
    const { server, client } = setup(form);
    const first = await client.GET('/things');
    const second = await client.GET('/things');
    expect(first.data?.token).toBe('access-1');
    expect(second.data?.token).toBe('access-1');
    expect(server.apiCalls.map((call) => call.headers.get('authorization'))).toEqual([
      'Bearer access-1',
      'Bearer access-1',
    ]);
    expect(server.tokenCalls).toHaveLength(1);
  });

  it('refreshes ahead of expiry before sending, without a 401', async () => {
    const { server, client, clock } = setup(form, { expiresIn: 60 });
    await client.GET('/things');
    clock.advance(31_000);
    const { data } = await client.GET('/things');
    expect(data?.token).toBe('access-2');
    expect(server.refreshCalls).toBe(1);
    expect(server.apiCalls.every((call) => call.accepted)).toBe(true);
  });

  it('replays a bodiless GET once after a 401, with the new token and the same headers', async () => {
    const { server, auth, client, errors } = setup(form);
    const old = await revokeCurrentToken(auth, server);
    const { data, response } = await client.GET('/things', {
      params: { query: { page: '2' }, header: { 'X-Trace': 'trace-1' } },
    });
    expect(response.status).toBe(200);
    expect(data?.token).toBe('access-2');
    const [sent, replayed] = server.apiCalls;
    expect(server.apiCalls).toHaveLength(2);
    expect(sent?.token).toBe(old);
    expect(replayed?.token).toBe('access-2');
    expect(replayed?.method).toBe('GET');
    expect(replayed?.url).toBe(`${API_BASE}/things?page=2`);
    expect(replayed?.headers.get('x-trace')).toBe('trace-1');
    expect(server.refreshCalls).toBe(1);
    await until(() => errors.length === 1, 'the auth error event');
    expect(errors[0]).toMatchObject({ code: 'UNAUTHORIZED', status: 401, strategy: 'fake' });
  });

  const bodies = [
    {
      kind: 'JSON',
      method: 'POST',
      send: (client: Client<TestPaths>) =>
        client.POST('/things', { body: { name: 'Zoë', n: 1, nested: { ok: true } } }),
      contentType: 'application/json',
      expected: new TextEncoder().encode('{"name":"Zoë","n":1,"nested":{"ok":true}}'),
    },
    {
      kind: 'form',
      method: 'PUT',
      send: (client: Client<TestPaths>) =>
        client.PUT('/things', {
          body: { a: '1', b: 'x y&z' },
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
      contentType: 'application/x-www-form-urlencoded',
      expected: new TextEncoder().encode('a=1&b=x+y%26z'),
    },
    {
      kind: 'text',
      method: 'PATCH',
      send: (client: Client<TestPaths>) =>
        client.PATCH('/things', {
          body: 'plain text ✓\nline 2',
          bodySerializer: (body) => String(body),
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        }),
      contentType: 'text/plain; charset=utf-8',
      expected: new TextEncoder().encode('plain text ✓\nline 2'),
    },
    {
      kind: 'binary',
      method: 'POST',
      send: (client: Client<TestPaths>) =>
        client.POST('/things', {
          body: 'ignored',
          bodySerializer: () => BINARY,
          headers: { 'Content-Type': 'application/octet-stream' },
        }),
      contentType: 'application/octet-stream',
      expected: BINARY,
    },
  ];

  it.each(bodies)(
    'replays a $kind body once after a 401 with the original method, headers and bytes',
    async ({ method, send, contentType, expected }) => {
      const { server, auth, client } = setup(form);
      const old = await revokeCurrentToken(auth, server);
      const { response } = await send(client);
      expect(response.status).toBe(200);
      expect(server.apiCalls).toHaveLength(2);
      const [sent, replayed] = server.apiCalls;
      expect(sent?.token).toBe(old);
      expect(replayed?.token).toBe('access-2');
      for (const call of [sent, replayed]) {
        expect(call?.method).toBe(method);
        expect(call?.headers.get('content-type')).toBe(contentType);
        expect(call?.body).toEqual(expected);
      }
    },
  );

  it('replays a multipart FormData body with identical bytes (same boundary)', async () => {
    const { server, auth, client } = setup(form);
    await revokeCurrentToken(auth, server);
    const formData = new FormData();
    formData.set('field', 'value');
    formData.set('file', new Blob([BINARY], { type: 'application/octet-stream' }), 'f.bin');
    await client.POST('/things', { body: {}, bodySerializer: () => formData });
    const [sent, replayed] = server.apiCalls;
    expect(replayed?.token).toBe('access-2');
    expect(replayed?.headers.get('content-type')).toBe(sent?.headers.get('content-type'));
    expect(decode(replayed?.body)).toBe(decode(sent?.body));
    expect(sent?.body.length).toBeGreaterThan(256);
  });

  it('hands a second 401 back to the caller unchanged, after exactly one replay', async () => {
    const { server, client } = setup(form);
    server.apiRejectsEverything = true;
    const { data, error, response } = await client.POST('/things', { body: { x: 1 } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error).toEqual({ message: 'invalid credentials', status_code: 401 });
    expect(server.apiCalls).toHaveLength(2);
    expect(server.tokenCalls.map((call) => call.grantType)).toEqual([
      'client_credentials',
      'refresh_token',
    ]);
  });

  it('does not invalidate a newer token: a 401 for an old token replays with the stored one', async () => {
    let auth: TokenAuth | undefined;
    let server: FakeOAuthServer | undefined;
    let first = true;
    // While the first request is on the wire, someone refreshes and the old token dies.
    const apiFetch = async (request: Request) => {
      if (first && auth && server) {
        first = false;
        const old = await auth.getAccessToken();
        await auth.refresh();
        server.revokeAccessToken(old);
      }
      if (!server) throw new Error('not ready');
      return server.fetch(request);
    };
    const ctx = setup(form, { apiFetch });
    auth = ctx.auth;
    server = ctx.server;
    const { data } = await ctx.client.GET('/things');
    expect(data?.token).toBe('access-2');
    expect(server.apiCalls.map((call) => call.token)).toEqual(['access-1', 'access-2']);
    // One acquire and the one refresh done by "someone": the 401 caused no token call.
    expect(server.tokenCalls.map((call) => call.grantType)).toEqual([
      'client_credentials',
      'refresh_token',
    ]);
  });

  it('shares one refresh among concurrent requests that all got a 401', async () => {
    const { server, auth, client } = setup(form);
    await revokeCurrentToken(auth, server);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.GET('/things')));
    expect(results.every((result) => result.data?.token === 'access-2')).toBe(true);
    expect(server.refreshCalls).toBe(1);
    expect(server.apiCalls).toHaveLength(40);
  });

  it('falls back to acquire when the refresh after a 401 is refused, and replays once', async () => {
    const { server, auth, client } = setup(form);
    await revokeCurrentToken(auth, server);
    server.revokeAllRefreshTokens();
    const { data } = await client.GET('/things');
    expect(data?.token).toBe('access-2');
    expect(server.tokenCalls.map((call) => call.grantType)).toEqual([
      'client_credentials',
      'refresh_token',
      'client_credentials',
    ]);
  });

  it('throws a typed error (not the 401) when no new token can be had after a 401', async () => {
    const { server, auth, client } = setup(form);
    await revokeCurrentToken(auth, server);
    server.tokenOverrides.push(
      () => jsonResponse({ error: 'invalid_grant' }, 400),
      () => jsonResponse({ error: 'invalid_client' }, 401),
    );
    await expect(client.GET('/things')).rejects.toBeInstanceOf(CredentialsRejectedError);
    expect(server.apiCalls).toHaveLength(1);
  });

  it('passes non-401 error responses through untouched, without a token call', async () => {
    const { server, client } = setup(form, {
      apiFetch: async () => jsonResponse({ message: 'forbidden' }, 403),
    });
    const { error, response } = await client.GET('/things');
    expect(response.status).toBe(403);
    expect(error).toEqual({ message: 'forbidden' });
    expect(server.tokenCalls).toHaveLength(1);
  });
});

describe('token-endpoint requests are never intercepted', () => {
  it('wrapFetch: a strategy that sends its token requests through the wrapped fetch', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    let wrapped: (request: Request) => Promise<Response> = server.fetch;
    const auth = createTokenAuth({
      strategy: oauthStrategy({
        fetch: (request) => wrapped(request),
        tokenUrl: `${TOKEN_URL}?tenant=a`,
      }),
      clock: clock.read,
    });
    wrapped = auth.wrapFetch(server.fetch);
    const response = await wrapped(new Request(`${API_BASE}/things`));
    expect(response.status).toBe(200);
    expect(server.tokenCalls).toHaveLength(1);
    expect(server.tokenCalls[0]?.authorization).toBeNull();
    // A 401 from the token endpoint itself is not "replayed" either.
    server.tokenOverrides.push(() => jsonResponse({ error: 'invalid_client' }, 401));
    const direct = await wrapped(new Request(TOKEN_URL, { method: 'POST', body: 'x=1' }));
    expect(direct.status).toBe(401);
    expect(server.tokenCalls).toHaveLength(2);
  });

  it('middleware: a token client that carries the same middleware', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const tokenClient = createClient<TestPaths>({
      baseUrl: new URL(TOKEN_URL).origin,
      fetch: server.fetch,
    });
    const auth = createTokenAuth({
      strategy: {
        ...oauthStrategy({ fetch: server.fetch }),
        acquire: {
          request: async (_input, { signal }) =>
            (
              await tokenClient.POST('/oauth/token', {
                body: {
                  grant_type: 'client_credentials',
                  client_id: 'client-1',
                  client_secret: 'client-secret-1',
                },
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                parseAs: 'stream',
                signal,
              })
            ).response,
          process: async (response, _input, { now }) => {
            const body = (await response.json()) as { access_token: string };
            return { accessToken: body.access_token, obtainedAt: now };
          },
        },
      },
      clock: clock.read,
    });
    tokenClient.use(auth.middleware);
    const api = createClient<TestPaths>({ baseUrl: API_BASE, fetch: server.fetch });
    api.use(auth.middleware);
    const { data } = await api.GET('/things');
    expect(data?.token).toBe('access-1');
    expect(server.tokenCalls[0]?.authorization).toBeNull();
  });
});

describe('wrapFetch details', () => {
  it('forwards the second fetch argument (openapi-fetch requestInitExt) to the inner fetch, with the attempt signal, on the replay too', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const auth = createTokenAuth({
      strategy: oauthStrategy({ fetch: server.fetch }),
      clock: clock.read,
    });
    const seen: unknown[] = [];
    const inner = (request: Request, init?: RequestInit) => {
      seen.push(init);
      return server.fetch(request);
    };
    const client = createClient<TestPaths>({
      baseUrl: API_BASE,
      fetch: auth.wrapFetch(inner),
      requestInitExt: { dispatcher: 'custom' },
    });
    await revokeCurrentToken(auth, server);
    await client.GET('/things');
    // With the attempt's signal (the caller's plus the per-attempt timeout) beside it.
    const forwarded = { dispatcher: 'custom', signal: expect.any(AbortSignal) };
    expect(seen).toEqual([forwarded, forwarded]);
  });

  it('a ReadableStream body is teed by Request.clone before the first send, so the replay resends the same bytes', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const auth = createTokenAuth({
      strategy: oauthStrategy({ fetch: server.fetch }),
      clock: clock.read,
    });
    await revokeCurrentToken(auth, server);
    const chunks = ['first chunk, ', 'second chunk, ', 'last ✓'];
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[pulls++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { 'Content-Type': 'text/plain' },
    };
    const response = await auth.wrapFetch(server.fetch)(new Request(`${API_BASE}/upload`, init));
    expect(response.status).toBe(200);
    expect(server.apiCalls.map((call) => decode(call.body))).toEqual([
      chunks.join(''),
      chunks.join(''),
    ]);
    // The source stream was read once; the replay came from the tee's buffered branch.
    expect(pulls).toBe(chunks.length + 1);
  });
});
