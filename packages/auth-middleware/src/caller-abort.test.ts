/// <reference types="node" />
import { createServer, type ServerResponse } from 'node:http';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallOptions, createStaticAuth, createTokenAuth, type RequestFetch } from './auth';
import {
  API_BASE,
  deferred,
  FakeClock,
  FakeOAuthServer,
  oauthStrategy,
} from './test-support/fake-oauth-server';
import type { TestPaths } from './test-support/openapi-test-paths';
import { attemptSignal } from './timeout';
import { RequestAbortedError } from './transport-errors';

/**
 * A real loopback API whose answers send their headers and a first chunk at once, then hold
 * the rest until the test releases them: a slow download, or a stream.
 */
const held: ServerResponse[] = [];
const api = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.write('first chunk; ');
  held.push(response);
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const address = api.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  api.closeAllConnections();
  await new Promise<void>((resolve) => api.close(() => resolve()));
});

const releaseAll = () => {
  for (const response of held.splice(0)) response.end('the rest');
};

/**
 * Starts a call through `inner` (real fetch, noting the signal it was given), aborts the
 * caller's signal once the response headers are in, and expects reading the rest of the body
 * to fail with an AbortError, as it does with plain fetch. Fetch ties the body to the signal
 * it was given, so that signal must still follow the caller's: checked first, as it tells
 * the outcome at once (no waiting on timing).
 */
async function expectAbortAfterHeaders(
  start: (signal: AbortSignal, inner: RequestFetch) => Promise<ReadableStream<Uint8Array> | null>,
): Promise<void> {
  const controller = new AbortController();
  let given: AbortSignal | undefined;
  // Held to the end: undici links a Request's signal to its parent through the Request, so a
  // Request collected early would drop the abort (nodejs/undici#1926) and blur the control.
  const sent: Request[] = [];
  const inner: RequestFetch = (request, init) => {
    sent.push(request);
    given = init?.signal ?? request.signal;
    return fetch(request, init);
  };
  const body = await start(controller.signal, inner);
  if (!body) throw new Error('no body');
  const read = new Response(body).text();
  read.catch(() => {});
  controller.abort();
  try {
    expect(given?.aborted).toBe(true);
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
  } finally {
    releaseAll();
    expect(sent).toHaveLength(1);
  }
}

const staticFetch = (inner: RequestFetch, options: CallOptions = {}) =>
  createStaticAuth({ headers: { Authorization: 'Key static-key-1' }, ...options }).wrapFetch(inner);

const download = async (fetch: RequestFetch, signal: AbortSignal) =>
  (await fetch(new Request(`${base}/download`, { signal }))).body;

describe("the caller's AbortSignal, once the response headers are in", () => {
  it('control: plain fetch stops reading the body with an AbortError', async () => {
    await expectAbortAfterHeaders((signal, inner) => download(inner, signal));
  });

  it('control: so does a wrapped fetch without a per-attempt timeout (requestTimeoutMs: 0)', async () => {
    await expectAbortAfterHeaders((signal, inner) =>
      download(staticFetch(inner, { requestTimeoutMs: 0 }), signal),
    );
  });

  // fetch is given the attempt's signal, which keeps following the caller's after the
  // headers are in (only the timer stops), so an abort still stops the body download.
  it('wrapFetch (default requestTimeoutMs): the abort still stops the body', async () => {
    await expectAbortAfterHeaders((signal, inner) => download(staticFetch(inner), signal));
  });

  it('middleware (token auth, default requestTimeoutMs): the abort still stops the body', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const auth = createTokenAuth({
      strategy: oauthStrategy({ fetch: server.fetch }),
      clock: clock.read,
    });
    await expectAbortAfterHeaders(async (signal, inner) => {
      const client = createClient<TestPaths>({ baseUrl: base, fetch: inner });
      client.use(auth.middleware);
      return (await client.GET('/things', { signal, parseAs: 'stream' })).response.body;
    });
  });
});

describe('an abort while the one 401 replay waits for its new token', () => {
  it.each(['wrapFetch', 'middleware'] as const)(
    '%s: rejects with RequestAbortedError, never the bare DOMException',
    async (form) => {
      const clock = new FakeClock();
      const server = new FakeOAuthServer({ clock });
      const auth = createTokenAuth({
        strategy: oauthStrategy({ fetch: server.fetch }),
        clock: clock.read,
      });
      await auth.getAccessToken();
      server.revokeAllAccessTokens();
      // The renewal after the 401 hangs until the test is over.
      const gate = deferred();
      server.tokenGate = gate.promise;
      const client = createClient<TestPaths>({
        baseUrl: API_BASE,
        fetch: form === 'wrapFetch' ? auth.wrapFetch(server.fetch) : server.fetch,
      });
      if (form === 'middleware') client.use(auth.middleware);
      const controller = new AbortController();
      const call = client.GET('/things', { signal: controller.signal }).catch((e: unknown) => e);
      while (server.tokenCalls.length < 2) await new Promise((resolve) => setTimeout(resolve, 1));
      controller.abort();
      const error = await call;
      gate.resolve();
      expect(error).toBeInstanceOf(RequestAbortedError);
      expect(error).toMatchObject({ name: 'AbortError', code: 'REQUEST_ABORTED' });
    },
  );
});

describe('a call whose signal was aborted before it started', () => {
  it('rejects with the abort and leaves no unhandled rejection behind', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const attempt = attemptSignal(AbortSignal.abort(), 1_000);
      const late = Promise.reject(new Error('the attempt failed too'));
      await expect(attempt.race(late)).rejects.toMatchObject({ name: 'AbortError' });
      attempt.done();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
