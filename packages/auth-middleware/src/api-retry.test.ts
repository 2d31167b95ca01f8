import type { Client } from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { type Auth, createStaticAuth, createTokenAuth } from './auth';
import { InvalidOptionsError } from './errors';
import type { AuthLogger } from './observability';
import { IDEMPOTENT_METHODS, RETRY_HEADER, type RetryEvent, type RetryOptions } from './retry';
import {
  API_BASE,
  AUTH_KINDS,
  type AuthKind,
  CLIENT_SECRET,
  clientThrough,
  deferred,
  FakeClock,
  FakeOAuthServer,
  fetchFailed,
  flushMicrotasks,
  jsonResponse,
  oauthStrategy,
  recordingSleep,
} from './test-support/fake-oauth-server';
import type { TestPaths } from './test-support/openapi-test-paths';
import { RequestAbortedError } from './transport-errors';

type Things = TestPaths['/things'];
/** The test paths, with HEAD and OPTIONS too. */
interface RetryPaths {
  '/things': Things & { head: Things['get']; options: Things['get'] };
}

type Kind = AuthKind;
const KINDS = AUTH_KINDS;
const TOKEN_KINDS: Kind[] = ['token wrapFetch', 'token middleware'];

interface SetupOptions {
  retry?: RetryOptions | false;
  requestTimeoutMs?: number | false;
}

/**
 * An Auth of `kind` in front of the fake server, with an injected clock and a sleep that only
 * records. Static auth sends a Bearer token the server issued beforehand, so it is accepted.
 */
function setup(kind: Kind, options: SetupOptions = {}) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock });
  const { waits, sleep } = recordingSleep();
  const events: RetryEvent[] = [];
  const lines: Array<[string, unknown]> = [];
  const logger: AuthLogger = { info: (message, fields) => lines.push([message, fields]) };
  const common = {
    retry: options.retry === false ? (false as const) : { sleep, ...options.retry },
    clock: clock.read,
    hooks: { onRetry: (event: RetryEvent) => events.push(event) },
    logger,
    ...(options.requestTimeoutMs === undefined
      ? {}
      : { requestTimeoutMs: options.requestTimeoutMs }),
  };
  const staticKey = kind.startsWith('static') ? String(server.issue(false).access_token) : '';
  const auth: Auth = kind.startsWith('token')
    ? createTokenAuth({ strategy: oauthStrategy({ fetch: server.fetch }), ...common })
    : createStaticAuth({ headers: { Authorization: `Bearer ${staticKey}` }, ...common });
  // Every attempt as it starts (the server records one only once it is answered). Like fetch,
  // a signal in `init` wins over the request's own.
  const attempts: string[] = [];
  const apiFetch = (request: Request, init?: RequestInit) => {
    attempts.push(request.method);
    return server.fetch(init?.signal ? new Request(request, { signal: init.signal }) : request);
  };
  const { client } = clientThrough<RetryPaths>(kind, auth, apiFetch);
  return { clock, server, auth, client, waits, events, lines, staticKey, attempts, apiFetch };
}

type Method = 'GET' | 'HEAD' | 'OPTIONS' | 'PUT' | 'DELETE' | 'POST';

interface CallInit {
  [key: string]: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  params?: { query?: Record<string, string> };
}

/** One call of `method` on /things through the typed client. */
function call(client: Client<RetryPaths>, method: Method, init: CallInit = {}) {
  switch (method) {
    case 'GET':
      return client.GET('/things', init);
    case 'HEAD':
      return client.HEAD('/things', init);
    case 'OPTIONS':
      return client.OPTIONS('/things', init);
    case 'PUT':
      return client.PUT('/things', { ...init, body: { put: true } });
    case 'DELETE':
      return client.DELETE('/things', init);
    case 'POST':
      return client.POST('/things', { ...init, body: { post: true } });
  }
}

const unavailable =
  (headers: Record<string, string> = {}) =>
  () =>
    jsonResponse({ message: 'unavailable' }, 503, headers);

/** An attempt that never answers, but gives up when its signal aborts (as fetch does). */
const hanging = (request: Request) =>
  new Promise<Response>((_resolve, reject) => {
    request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
  });

const CAUSES = {
  '503': { options: {}, fail: unavailable() },
  '429': {
    options: {},
    fail: () => jsonResponse({ message: 'slow down' }, 429),
  },
  'a connection error': {
    options: {},
    fail: () => {
      throw fetchFailed();
    },
  },
  'a timeout': { options: { requestTimeoutMs: 5 }, fail: hanging },
} satisfies Record<string, { options: SetupOptions; fail: (request: Request) => unknown }>;

const matrix = IDEMPOTENT_METHODS.flatMap((method) =>
  (Object.keys(CAUSES) as Array<keyof typeof CAUSES>).map((cause) => [method, cause] as const),
);

const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe.each(KINDS)('%s', (kind) => {
  it.each(matrix)('retries a %s after %s, and succeeds', async (method, cause) => {
    const { options, fail } = CAUSES[cause];
    const { server, client, waits, attempts } = setup(kind, options);
    server.apiOverrides.push(fail as (request: Request) => Response);
    const { response } = await call(client, method);
    expect(response.status).toBe(200);
    expect(attempts).toEqual([method, method]);
    expect(server.apiCalls.at(-1)).toMatchObject({ method, status: 200 });
    expect(waits).toHaveLength(1);
  });

  it('hands back the last 503 after maxRetries (1 + 2 sends)', async () => {
    const { server, client, waits } = setup(kind, { retry: { random: () => 0 } });
    server.apiOverrides.push(unavailable(), unavailable(), unavailable(), unavailable());
    const { response, error } = await client.GET('/things');
    expect(response.status).toBe(503);
    expect(error).toEqual({ message: 'unavailable' });
    expect(server.apiCalls).toHaveLength(3);
    expect(waits).toEqual([500, 1_000]);
  });

  it('throws the last ConnectionError after maxRetries', async () => {
    const { server, client } = setup(kind);
    const refuse = () => {
      throw fetchFailed();
    };
    server.apiOverrides.push(refuse, refuse, refuse, refuse);
    await expect(client.GET('/things')).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'CONNECTION_FAILED',
      systemCode: 'ECONNREFUSED',
    });
    expect(server.apiCalls).toHaveLength(3);
  });

  it('sends once with retry: false', async () => {
    const { server, client, waits } = setup(kind, { retry: false });
    server.apiOverrides.push(unavailable());
    expect((await client.GET('/things')).response.status).toBe(503);
    expect(server.apiCalls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it.each([400, 403, 404, 409, 422])('does not retry a %s', async (status) => {
    const { server, client, waits } = setup(kind);
    server.apiOverrides.push(() => jsonResponse({ message: 'no' }, status));
    expect((await client.GET('/things')).response.status).toBe(status);
    expect(server.apiCalls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('does not retry a POST by default: the 503 is handed back', async () => {
    const { server, client, waits } = setup(kind);
    server.apiOverrides.push(unavailable());
    const { response, error } = await call(client, 'POST');
    expect(response.status).toBe(503);
    expect(error).toEqual({ message: 'unavailable' });
    expect(server.apiCalls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('retries a POST when methods include it, replaying the JSON body byte for byte', async () => {
    const { server, client, waits } = setup(kind, {
      retry: { methods: [...IDEMPOTENT_METHODS, 'POST'] },
    });
    server.apiOverrides.push(unavailable(), () => {
      throw fetchFailed('ECONNRESET', 'socket hang up');
    });
    const body = { name: 'Zoë', n: 1, nested: { ok: true, list: [1, 2, 3] } };
    const { response } = await client.POST('/things', { body });
    expect(response.status).toBe(200);
    expect(waits).toHaveLength(2);
    expect(server.apiCalls).toHaveLength(3);
    const expected = new TextEncoder().encode(JSON.stringify(body));
    for (const sent of server.apiCalls) {
      expect(sent.method).toBe('POST');
      expect(sent.body).toEqual(expected);
      expect(sent.headers.get('content-type')).toBe('application/json');
    }
  });

  it('replays a binary POST body byte for byte', async () => {
    const { server, client } = setup(kind, { retry: { methods: ['POST'] } });
    server.apiOverrides.push(unavailable(), unavailable());
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) % 256);
    const { response } = await client.POST('/things', {
      body: {},
      bodySerializer: () => bytes,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(response.status).toBe(200);
    expect(server.apiCalls.map((sent) => sent.body)).toEqual([bytes, bytes, bytes]);
  });

  it(`${RETRY_HEADER}: false turns retries off for that call, and is never sent`, async () => {
    const { server, client, waits } = setup(kind);
    server.apiOverrides.push(unavailable());
    const { response } = await client.GET('/things', { headers: { [RETRY_HEADER]: 'false' } });
    expect(response.status).toBe(503);
    expect(server.apiCalls).toHaveLength(1);
    expect(server.apiCalls[0]?.headers.has(RETRY_HEADER)).toBe(false);
    expect(waits).toEqual([]);
  });

  it(`${RETRY_HEADER}: 3 allows 3 retries even for POST, and is stripped from every send`, async () => {
    const { server, client, waits } = setup(kind);
    server.apiOverrides.push(unavailable(), unavailable(), unavailable());
    const { response } = await client.POST('/things', {
      body: { once: true },
      headers: { [RETRY_HEADER]: '3' },
    });
    expect(response.status).toBe(200);
    expect(server.apiCalls).toHaveLength(4);
    expect(waits).toHaveLength(3);
    expect(server.apiCalls.some((sent) => sent.headers.has(RETRY_HEADER))).toBe(false);
    expect(new Set(server.apiCalls.map((sent) => decode(sent.body)))).toEqual(
      new Set(['{"once":true}']),
    );
  });

  it(`${RETRY_HEADER}: true on a POST, with requestTimeoutMs: 0: retried, stripped, same bytes`, async () => {
    const { server, client } = setup(kind, { requestTimeoutMs: 0 });
    server.apiOverrides.push(unavailable(), unavailable());
    const { response } = await client.POST('/things', {
      body: { id: 7 },
      headers: { [RETRY_HEADER]: 'true' },
    });
    expect(response.status).toBe(200);
    expect(server.apiCalls).toHaveLength(3);
    expect(server.apiCalls.some((sent) => sent.headers.has(RETRY_HEADER))).toBe(false);
    expect(server.apiCalls.map((sent) => decode(sent.body))).toEqual([
      '{"id":7}',
      '{"id":7}',
      '{"id":7}',
    ]);
  });

  it(`${RETRY_HEADER}: 3 stops after 3 retries`, async () => {
    const { server, client } = setup(kind);
    server.apiOverrides.push(...Array.from({ length: 5 }, () => unavailable()));
    const { response } = await client.GET('/things', { headers: { [RETRY_HEADER]: '3' } });
    expect(response.status).toBe(503);
    expect(server.apiCalls).toHaveLength(4);
  });

  it.each(['maybe', '-1', '1.5', '1000'])(
    `an invalid ${RETRY_HEADER} (%s) rejects with an InvalidOptionsError before anything is sent`,
    async (value) => {
      const { server, client } = setup(kind);
      const error = await client
        .GET('/things', { headers: { [RETRY_HEADER]: value } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', option: RETRY_HEADER });
      expect(server.apiCalls).toHaveLength(0);
      expect(server.tokenCalls).toHaveLength(0);
    },
  );

  it('hands a 503 whose Retry-After is above the cap back at once, its body intact', async () => {
    const { server, client, waits, events } = setup(kind);
    server.apiOverrides.push(unavailable({ 'retry-after': '120' }));
    const { response, error } = await client.GET('/things');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('120');
    expect(error).toEqual({ message: 'unavailable' });
    expect(server.apiCalls).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(events).toEqual([]);
  });

  it('honours Retry-After seconds, an HTTP date (on the injected clock) and retry-after-ms', async () => {
    const { server, client, waits, clock } = setup(kind, { retry: { maxRetries: 3 } });
    server.apiOverrides.push(
      unavailable({ 'retry-after': '3' }),
      () => jsonResponse({}, 429, { 'retry-after': new Date(clock.now + 45_000).toUTCString() }),
      unavailable({ 'retry-after-ms': '1250' }),
    );
    expect((await client.GET('/things')).response.status).toBe(200);
    expect(waits).toEqual([3_000, 45_000, 1_250]);
  });

  it("rejects with RequestAbortedError when the caller's signal aborts during the backoff, and sends no more", async () => {
    const sleeping = deferred();
    const waits: number[] = [];
    const { server, client } = setup(kind, {
      retry: {
        sleep: (ms, signal) =>
          new Promise<void>((_resolve, reject) => {
            waits.push(ms);
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
            sleeping.resolve();
          }),
      },
    });
    server.apiOverrides.push(unavailable());
    const controller = new AbortController();
    const pending = client.GET('/things', { signal: controller.signal });
    await sleeping.promise;
    const reason = new Error('the user navigated away');
    controller.abort(reason);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'REQUEST_ABORTED' });
    expect((error as Error).cause).toBe(reason);
    await flushMicrotasks(50);
    expect(server.apiCalls).toHaveLength(1);
    expect(waits).toHaveLength(1);
  });

  it('tells onRetry and logs one info line per retry: path only, status or code, no secret', async () => {
    const { server, client, events, lines, staticKey } = setup(kind, {
      retry: { random: () => 0 },
    });
    server.apiOverrides.push(unavailable(), () => {
      throw fetchFailed();
    });
    const { response } = await client.GET('/things', {
      params: { query: { api_key: 'query-secret-1' } },
    });
    expect(response.status).toBe(200);
    const strategy = kind.startsWith('token') ? 'fake' : undefined;
    expect(events).toEqual([
      {
        strategy,
        target: 'api',
        attempt: 1,
        maxRetries: 2,
        delayMs: 500,
        status: 503,
        code: undefined,
        request: 'GET /things',
      },
      {
        strategy,
        target: 'api',
        attempt: 2,
        maxRetries: 2,
        delayMs: 1_000,
        status: undefined,
        code: 'CONNECTION_FAILED',
        request: 'GET /things',
      },
    ]);
    expect(lines.map(([message]) => message)).toEqual([
      'tokenwire: retrying GET /things in 500 ms after HTTP 503 (retry 1 of 2)',
      'tokenwire: retrying GET /things in 1000 ms after CONNECTION_FAILED (retry 2 of 2)',
    ]);
    const everything = JSON.stringify([events, lines]);
    for (const secret of ['query-secret-1', CLIENT_SECRET, ...server.issued, staticKey]) {
      if (secret) expect(everything).not.toContain(secret);
    }
  });
});

describe.each(TOKEN_KINDS)('%s: the 401 replay and retries compose', (kind) => {
  it('503, 401, 503, 503: 1 + maxRetries + 1 = 4 sends, one replay, the last 503 handed back', async () => {
    const { server, client, waits } = setup(kind);
    server.apiOverrides.push(
      unavailable(),
      () => jsonResponse({ message: 'expired' }, 401),
      unavailable(),
      unavailable(),
      unavailable(),
    );
    const { response } = await client.GET('/things');
    expect(response.status).toBe(503);
    expect(server.apiCalls.map((sent) => [sent.status, sent.token])).toEqual([
      [503, 'access-1'],
      [401, 'access-1'],
      [503, 'access-2'],
      [503, 'access-2'],
    ]);
    expect(waits).toHaveLength(2);
    expect(server.refreshCalls).toBe(1);
  });

  it('503, 503, 401, then 200: the replay still comes after the retries are spent', async () => {
    const { server, client } = setup(kind);
    server.apiOverrides.push(unavailable(), unavailable(), () =>
      jsonResponse({ message: 'expired' }, 401),
    );
    const { response, data } = await client.GET('/things');
    expect(response.status).toBe(200);
    expect(data?.token).toBe('access-2');
    expect(server.apiCalls).toHaveLength(4);
  });

  it('at most one replay: 401, 503, 401 hands the second 401 back after 3 sends', async () => {
    const { server, client } = setup(kind);
    const refused = () => jsonResponse({ message: 'expired' }, 401);
    server.apiOverrides.push(refused, unavailable(), refused, refused);
    const { response } = await client.GET('/things');
    expect(response.status).toBe(401);
    expect(server.apiCalls).toHaveLength(3);
    expect(server.tokenCalls).toHaveLength(2);
  });

  it('never sends more than 1 + maxRetries + 1 times, whatever the answers', async () => {
    const { server, client } = setup(kind, { retry: { maxRetries: 3 } });
    const refused = () => jsonResponse({ message: 'expired' }, 401);
    server.apiOverrides.push(
      refused,
      unavailable(),
      refused,
      unavailable(),
      unavailable(),
      unavailable(),
      unavailable(),
    );
    const { response } = await client.GET('/things');
    expect(response.status).toBe(401);
    expect(server.apiCalls.length).toBeLessThanOrEqual(5);

    const again = setup(kind, { retry: { maxRetries: 3 } });
    again.server.apiOverrides.push(
      unavailable(),
      refused,
      ...Array.from({ length: 10 }, () => unavailable()),
    );
    expect((await again.client.GET('/things')).response.status).toBe(503);
    expect(again.server.apiCalls).toHaveLength(5);
  });

  it('replays the POST body byte for byte through retries and the replay', async () => {
    const { server, client } = setup(kind, { retry: { methods: ['POST'] } });
    server.apiOverrides.push(unavailable(), () => jsonResponse({}, 401), unavailable());
    const { response } = await client.POST('/things', { body: { n: 42, text: 'ü ✓' } });
    expect(response.status).toBe(200);
    expect(server.apiCalls.map((sent) => decode(sent.body))).toEqual(
      Array.from({ length: 4 }, () => '{"n":42,"text":"ü ✓"}'),
    );
  });
});

describe.each(['static wrapFetch', 'static middleware'] as const)('%s', (kind) => {
  it('hands a 401 back (no replay) even between retries', async () => {
    const { server, client } = setup(kind);
    server.apiOverrides.push(unavailable(), () => jsonResponse({ message: 'bad key' }, 401));
    const { response } = await client.GET('/things');
    expect(response.status).toBe(401);
    expect(server.apiCalls).toHaveLength(2);
  });
});

describe('a ReadableStream body', () => {
  it.each(['token', 'static'] as const)(
    '%s wrapFetch: each retry resends the same bytes, the source read once',
    async (which) => {
      const { server, auth, apiFetch } = setup(
        which === 'token' ? 'token wrapFetch' : 'static wrapFetch',
        {
          retry: { methods: ['POST'] },
        },
      );
      server.apiOverrides.push(unavailable(), unavailable());
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
      const response = await auth.wrapFetch(apiFetch)(new Request(`${API_BASE}/upload`, init));
      expect(response.status).toBe(200);
      expect(server.apiCalls.map((sent) => decode(sent.body))).toEqual([
        chunks.join(''),
        chunks.join(''),
        chunks.join(''),
      ]);
      expect(pulls).toBe(chunks.length + 1);
    },
  );
});
