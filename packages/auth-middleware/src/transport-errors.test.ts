/// <reference types="node" />
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type Auth, createStaticAuth, createTokenAuth, type RequestFetch } from './auth';
import { AuthError, systemCodeOf, TokenEndpointError } from './errors';
import * as api from './index';
import {
  API_BASE,
  AUTH_KINDS,
  type AuthKind,
  clientThrough,
  FakeClock,
  FakeOAuthServer,
  fetchFailed,
  jsonResponse,
  oauthStrategy,
} from './test-support/fake-oauth-server';
import type { TestPaths } from './test-support/openapi-test-paths';
import { TokenManager } from './token-manager';
import {
  ConnectionError,
  InvalidResponseBodyError,
  RequestAbortedError,
  RequestTimeoutError,
} from './transport-errors';
import { withTypedErrors } from './typed-client';

/** A loopback port nothing listens on any more: bound, then closed. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  return address.port;
}

type Kind = AuthKind;
const KINDS = AUTH_KINDS;

/** A client of `kind` whose API calls go to `apiFetch`, and whose token requests to the fake server. */
function clientFor(kind: Kind, apiFetch: RequestFetch, baseUrl = API_BASE) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock });
  const auth: Auth = kind.startsWith('token')
    ? createTokenAuth({
        strategy: oauthStrategy({ fetch: server.fetch }),
        clock: clock.read,
        retry: false,
      })
    : createStaticAuth({ headers: { Authorization: 'Key static-key-1' }, retry: false });
  const { client } = clientThrough<TestPaths>(kind, auth, apiFetch, baseUrl);
  return { client, server };
}

const QUERY = { params: { query: { api_key: 'query-secret-1' } } };

describe.each(KINDS)('%s: connection failures', (kind) => {
  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND api.example.test'],
  ])(
    'a fetch that throws TypeError (%s) becomes a ConnectionError naming the origin only',
    async (code, detail) => {
      const thrown = fetchFailed(code, detail);
      const { client } = clientFor(kind, async () => {
        throw thrown;
      });
      const error = await client.GET('/things', QUERY).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({
        name: 'ConnectionError',
        code: 'CONNECTION_FAILED',
        systemCode: code,
        origin: API_BASE,
      });
      expect((error as Error).cause).toBe(thrown);
      const { message } = error as Error;
      expect(message).toContain(API_BASE);
      expect(message).toContain(`(${code})`);
      expect(message).not.toContain('/things');
      expect(message).not.toContain('query-secret-1');
      expect(JSON.stringify(error)).not.toContain('query-secret-1');
    },
  );
});

describe('a runtime whose fetch error quotes the URL (Deno)', () => {
  // Deno's fetch throws `TypeError: error sending request for url (<full URL>): ...`; the
  // message quotes the runtime's, with every URL cut to its origin.
  it('still gets a ConnectionError message without the path or the query', async () => {
    const { client } = clientFor('static wrapFetch', async (request) => {
      throw new TypeError(
        `error sending request for url (${request.url}): client error (Connect): tcp connect error: Connection refused (os error 111)`,
      );
    });
    const error = await client.GET('/things', QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(API_BASE);
    expect((error as Error).message).not.toContain('query-secret-1');
    expect((error as Error).message).not.toContain('/things');
  });
});

describe('a real refused connection (real fetch, real socket)', () => {
  it('an API call to a closed loopback port is a ConnectionError with systemCode ECONNREFUSED', async () => {
    const port = await refusedPort();
    const auth = createStaticAuth({ headers: { Authorization: 'Key static-key-1' }, retry: false });
    const fetch = auth.wrapFetch();
    const error = await fetch(new Request(`http://127.0.0.1:${port}/v1/things?api_key=q-secret`))
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      systemCode: 'ECONNREFUSED',
      origin: `http://127.0.0.1:${port}`,
    });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`http://127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('/v1/things');
    expect((error as Error).message).not.toContain('q-secret');
  });

  it('a token request to a closed loopback port is a TokenRequestError with systemCode ECONNREFUSED', async () => {
    const port = await refusedPort();
    const manager = new TokenManager(
      oauthStrategy({
        fetch: (request) => fetch(request),
        tokenUrl: `http://127.0.0.1:${port}/oauth/token`,
      }),
      { retry: false },
    );
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(api.TokenRequestError);
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', systemCode: 'ECONNREFUSED' });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).toContain(`http://127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('client-secret-1');
  });
});

describe('systemCodeOf', () => {
  it("finds the code in the cause chain (Node), on the error itself (Bun), and skips the package's own codes", () => {
    expect(systemCodeOf(fetchFailed('ECONNRESET'))).toBe('ECONNRESET');
    expect(systemCodeOf(Object.assign(new TypeError('x'), { code: 'ENOTFOUND' }))).toBe(
      'ENOTFOUND',
    );
    expect(
      systemCodeOf(new TypeError('x', { cause: new Error('y', { cause: fetchFailed('EPIPE') }) })),
    ).toBe('EPIPE');
    expect(systemCodeOf(new ConnectionError(API_BASE, fetchFailed('ETIMEDOUT')))).toBe('ETIMEDOUT');
    expect(systemCodeOf(new TypeError('fetch failed'))).toBeUndefined();
    expect(systemCodeOf('ECONNREFUSED')).toBeUndefined();
    expect(systemCodeOf(undefined)).toBeUndefined();
  });
});

describe('withTypedErrors: bodies openapi-fetch cannot read', () => {
  const HTML = '<html><body><h1>Gateway says hello</h1><p>secret-ish page text</p></body></html>';

  function typedClient(kind: Kind, answer: () => Response) {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const auth: Auth = kind.startsWith('token')
      ? createTokenAuth({ strategy: oauthStrategy({ fetch: server.fetch }), clock: clock.read })
      : createStaticAuth({ headers: { Authorization: 'Key static-key-1' } });
    const apiFetch: RequestFetch = async () => answer();
    const { client, fetch } = clientThrough<TestPaths>(kind, auth, apiFetch);
    return withTypedErrors(client, fetch);
  }

  const html = (withLength: boolean) => () =>
    new Response(HTML, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        ...(withLength ? { 'content-length': String(new TextEncoder().encode(HTML).length) } : {}),
      },
    });

  describe.each(KINDS)('%s', (kind) => {
    it.each([
      ['with', true],
      ['without', false],
    ])(
      'a 200 with an HTML body (%s content-length) is an InvalidResponseBodyError',
      async (_label, withLength) => {
        const client = typedClient(kind, html(withLength));
        const error = await client.GET('/things').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidResponseBodyError);
        expect(error).toMatchObject({
          name: 'InvalidResponseBodyError',
          code: 'INVALID_RESPONSE_BODY',
          status: 200,
          contentType: 'text/html; charset=utf-8',
        });
        const typed = error as InvalidResponseBodyError;
        expect(typed.response).toBeInstanceOf(Response);
        expect(Object.keys(typed)).not.toContain('response');
        expect(Object.prototype.propertyIsEnumerable.call(typed, 'response')).toBe(false);
        expect(typed.message).toContain('GET /things');
        expect(typed.message).toContain('text/html');
        expect(typed.message).not.toContain('<html');
        expect(typed.message).not.toContain('Gateway says hello');
        expect(JSON.stringify(typed)).not.toContain('Gateway says hello');
      },
    );

    it.each([
      ['with content-length 0', { 'content-length': '0' }],
      ['without content-length', {}],
    ])(
      'a 401 with an empty body (%s) comes back with an ApiResponseError as error',
      async (_label, headers) => {
        let calls = 0;
        const client = typedClient(kind, () => {
          calls += 1;
          return new Response(null, { status: 401, headers });
        });
        const { data, error, response } = await client.GET('/things', {
          params: { query: { key: 'query-secret' } },
        } as never);
        expect(data).toBeUndefined();
        expect(response.status).toBe(401);
        expect(calls).toBe(kind.startsWith('token') ? 2 : 1);
        expect(error).toBeInstanceOf(api.ApiResponseError);
        expect(error).toMatchObject({ name: 'ApiResponseError', code: 'HTTP_401', status: 401 });
        const typed = error as unknown as api.ApiResponseError;
        expect(typed.response).toBe(response);
        expect(typed.message).toContain('401 to GET /things');
        expect(typed.message).toContain('credentials were refused');
        expect(typed.message).not.toContain('query-secret');
      },
    );

    it('a 401 with a body keeps that body as error', async () => {
      const client = typedClient(kind, () => jsonResponse({ error: 'invalid_token' }, 401));
      const { error, response } = await client.GET('/things');
      expect(response.status).toBe(401);
      expect(error).toEqual({ error: 'invalid_token' });
    });

    it('a 503 with an empty body comes back with an ApiResponseError as error', async () => {
      const client = typedClient(kind, () => new Response('', { status: 503 }));
      const { error } = await client.GET('/things', { headers: { 'tokenwire-retry': 'false' } });
      expect(error).toMatchObject({ code: 'HTTP_503', status: 503 });
    });

    it('a 204 keeps error undefined', async () => {
      const client = typedClient(kind, () => new Response(null, { status: 204 }));
      const { data, error } = await client.GET('/things');
      expect(error).toBeUndefined();
      expect(data).toBeUndefined();
    });
  });

  it('a connection dropped mid-body is a ConnectionError naming the origin', async () => {
    const client = typedClient('static wrapFetch', () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"ok":'));
          controller.error(new TypeError('terminated'));
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const error = await client.GET('/things').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ origin: API_BASE });
  });

  it('a readable JSON body passes as data', async () => {
    const client = typedClient('token middleware', () => jsonResponse({ ok: true }));
    expect((await client.GET('/things')).data).toEqual({ ok: true });
  });
});

describe('error names are string literals, so minified bundles keep them', () => {
  const response = () => new Response('', { status: 500 });
  /** One instance of every error class index.ts exports, by export name. */
  const factories: Record<string, () => Error> = {
    ApiResponseError: () => new api.ApiResponseError('m', { status: 401 }),
    AuthError: () => new api.AuthError('INVALID_OPTIONS', 'm'),
    TokenEndpointError: () => new api.TokenEndpointError('m', { status: 500 }),
    CredentialsRejectedError: () => new api.CredentialsRejectedError('m', { status: 401 }),
    InvalidTokenResponseError: () => new api.InvalidTokenResponseError('m'),
    TokenRequestError: () => new api.TokenRequestError('TOKEN_REQUEST_FAILED', 'm'),
    InsecureTransportError: () => new api.InsecureTransportError('m'),
    InvalidOptionsError: () => new api.InvalidOptionsError('option', 'm'),
    ConnectionError: () => new api.ConnectionError(API_BASE, fetchFailed()),
    RequestTimeoutError: () => new api.RequestTimeoutError(API_BASE, 1_000),
    RequestAbortedError: () => new api.RequestAbortedError(new Error('stop')),
    InvalidResponseBodyError: () =>
      new api.InvalidResponseBodyError('m', { status: 200, response: response() }),
  };
  const expectedName = (exported: string) =>
    exported === 'RequestAbortedError' ? 'AbortError' : exported;
  const exportedErrors = Object.entries(api)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
    .map(([name]) => name);

  it('covers every error class index.ts exports', () => {
    expect(exportedErrors.sort()).toEqual(Object.keys(factories).sort());
  });

  it.each(Object.keys(factories))('%s names itself', (exported) => {
    const make = factories[exported];
    if (!make) throw new Error(`no factory for ${exported}`);
    expect(make().name).toBe(expectedName(exported));
  });

  it.each(Object.keys(factories))(
    '%s keeps its name when a minifier renames the class',
    (exported) => {
      const make = factories[exported];
      const Class = (api as unknown as Record<string, object>)[exported];
      if (!make || !Class) throw new Error(`no factory for ${exported}`);
      const original = Object.getOwnPropertyDescriptor(Class, 'name');
      Object.defineProperty(Class, 'name', { value: 'e', configurable: true });
      try {
        expect(make().name).toBe(expectedName(exported));
      } finally {
        if (original) Object.defineProperty(Class, 'name', original);
      }
    },
  );

  it('an anonymous subclass (as minified code defines one) keeps the name of its parent', () => {
    const [Anonymous] = [class extends TokenEndpointError {}];
    expect(Anonymous.name).toBe('');
    const error = new Anonymous('m', { status: 503 });
    expect(error.name).toBe('TokenEndpointError');
    expect(String(error)).toBe('TokenEndpointError: m');
    const [Aborted] = [class extends RequestAbortedError {}];
    expect(new Aborted(undefined).name).toBe('AbortError');
    const [Timeout] = [class extends RequestTimeoutError {}];
    expect(JSON.parse(JSON.stringify(new Timeout(API_BASE, 5)))).toMatchObject({
      name: 'RequestTimeoutError',
      code: 'REQUEST_TIMEOUT',
    });
  });

  it('new TokenEndpointError(...).name is "TokenEndpointError"', () => {
    expect(new TokenEndpointError('m', { status: 500 }).name).toBe('TokenEndpointError');
  });
});

describe('a token endpoint that answers 404', () => {
  function setup() {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
      clock: clock.read,
      retry: { sleep: async () => {} },
    });
    return { server, manager };
  }

  const notFound = (url: string) => () => {
    const response = new Response('<html><h1>404 Not Found</h1></html>', {
      status: 404,
      headers: { 'content-type': 'text/html' },
    });
    Object.defineProperty(response, 'url', { value: url });
    return response;
  };

  it('names the URL tried (without its query) and hints at a duplicated path prefix', async () => {
    const { server, manager } = setup();
    const tried = 'https://auth.example.test/api/api/oauth/token';
    server.tokenOverrides.push(notFound(`${tried}?tenant=t1&client_secret=client-secret-1`));
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).not.toBeInstanceOf(api.CredentialsRejectedError);
    expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT_ERROR', status: 404 });
    const { message } = error as Error;
    expect(message).toContain(`No token endpoint at ${tried}:`);
    expect(message).toMatch(/does not repeat a segment such as \/api/);
    expect(message).not.toContain('tenant=t1');
    expect(message).not.toContain('client-secret-1');
    expect(server.tokenCalls).toHaveLength(1);
  });

  it('says "that URL" when the response does not know its URL', async () => {
    const { server, manager } = setup();
    server.tokenOverrides.push(notFound(''));
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect((error as Error).message).toContain('No token endpoint at that URL');
  });
});
