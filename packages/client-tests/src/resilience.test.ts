// Retries, timeouts, clock skew and odd token lifetimes, against each vendor's sandbox over
// loopback HTTP, through the published client entry points.

import { createServer } from 'node:http';
import {
  ConnectionError,
  InvalidResponseBodyError,
  RequestTimeoutError,
  TokenRequestError,
} from '@tokenwire/auth-middleware';
import { type AdvertisedLifetime, createManualClock } from '@tokenwire/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTarget, type Target } from './vendors';

/** Sequential calls, each expected to succeed. */
async function callsInARow(count: number, call: () => Promise<Response>): Promise<void> {
  for (let i = 0; i < count; i++) expect((await call()).status).toBe(200);
}

describe.each(adapters)('$vendor client resilience (http)', (adapter) => {
  let target: Target;
  beforeAll(async () => {
    target = await openTarget(adapter.vendor, 'http');
  });
  afterAll(async () => {
    await target.close();
  });
  afterEach(() => {
    target.control.reset();
    target.control.setClockOffset(0);
    target.control.setAdvertisedLifetime('number');
  });

  /** A client whose API sends (not token requests) are counted. */
  function countingClient(extras: Parameters<typeof adapter.client>[1] = {}) {
    const sent = { api: 0 };
    const client = adapter.client(target, {
      ...extras,
      fetch: (request) => {
        if (new URL(request.url).pathname === client.resourcePath) sent.api += 1;
        return target.fetch(request);
      },
    });
    return { client, sent };
  }

  it('a 503 with Retry-After: 1 on the token endpoint, then on an API GET: each succeeds after ≥ 1 s and exactly 2 attempts', async () => {
    const { client, sent } = countingClient();

    target.control.injectFault({
      kind: 'unavailable',
      retryAfterSeconds: 1,
      count: 1,
      routes: 'token',
    });
    let started = performance.now();
    expect((await client.getResource()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(target.control.counters().tokenRequests).toBe(2);
    expect(sent.api).toBe(1);

    target.control.injectFault({
      kind: 'unavailable',
      retryAfterSeconds: 1,
      count: 1,
      routes: 'api',
    });
    started = performance.now();
    expect((await client.getResource()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(sent.api).toBe(3);
    expect(target.control.counters().tokenRequests).toBe(2);
  });

  it('a 429 with Retry-After on an API GET is retried after the wait it asked for', async () => {
    const waits: number[] = [];
    const { client, sent } = countingClient({
      retry: { sleep: async (ms) => void waits.push(ms) },
    });
    target.control.injectFault({
      kind: 'rate-limited',
      retryAfterSeconds: 2,
      count: 1,
      routes: 'api',
    });
    expect((await client.getResource()).status).toBe(200);
    expect(waits).toEqual([2_000]);
    expect(sent.api).toBe(2);
  });

  it('a Retry-After above the cap is handed back at once, not slept on', async () => {
    const waits: number[] = [];
    const { client, sent } = countingClient({
      retry: { sleep: async (ms) => void waits.push(ms) },
    });
    target.control.injectFault({
      kind: 'unavailable',
      retryAfterSeconds: 3_600,
      count: 1,
      routes: 'api',
    });
    const response = await client.getResource();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('3600');
    expect(waits).toEqual([]);
    expect(sent.api).toBe(1);
  });

  it('a hanging API call ends in the typed timeout, after its retries', async () => {
    const { client, sent } = countingClient({
      requestTimeoutMs: 200,
      retry: { maxRetries: 1, sleep: async () => {} },
    });
    await client.getResource(); // the token, and one call that works
    target.control.injectFault({ kind: 'hang', routes: 'api' });
    const error = await client.getResource().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', timeoutMs: 200 });
    expect((error as Error).message).toContain(new URL(target.url).origin);
    expect(sent.api).toBe(1 + 2);
  });

  it('a 2xx API body that is not JSON rejects with InvalidResponseBodyError, not a SyntaxError', async () => {
    const client = adapter.client(target);
    target.control.injectFault({ kind: 'malformed-json', count: 1, routes: 'api' });
    const error = await client.getResource().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseBodyError);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE_BODY', status: 200 });
    expect(Object.keys(error as object)).not.toContain('response');
  });

  it('a dropped API connection is retried; without retries it is a ConnectionError', async () => {
    const { client, sent } = countingClient({ retry: { sleep: async () => {} } });
    target.control.injectFault({ kind: 'drop-connection', count: 1, routes: 'api' });
    expect((await client.getResource()).status).toBe(200);
    expect(sent.api).toBe(2);

    const once = adapter.client(target, { retry: false });
    target.control.injectFault({ kind: 'drop-connection', count: 1, routes: 'api' });
    const error = await once.getResource().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', origin: new URL(target.url).origin });
  });

  it('a refused port names ECONNREFUSED, for the token request and for an API-key call', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const baseUrl = `http://127.0.0.1:${port}`;
    const client = adapter.client(target, { baseUrl, retry: false });
    const error = await client.getResource().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', systemCode: 'ECONNREFUSED' });
    expect((error as Error).message).toContain(baseUrl);
    if (adapter.apiKeyClient) {
      const keyed = adapter.apiKeyClient(target, { baseUrl, retry: false });
      const keyError = await keyed.getResource().catch((e: unknown) => e);
      expect(keyError).toBeInstanceOf(ConnectionError);
      expect(keyError).toMatchObject({ systemCode: 'ECONNREFUSED', origin: baseUrl });
    }
  });

  it.each([-5, 5])(
    'with the server clock %i min off, 50 calls cost ≤ 3 token calls',
    async (minutes) => {
      target.control.setClockOffset(minutes * 60_000);
      const client = adapter.client(target);
      await callsInARow(50, () => client.getResource());
      const { tokenRequests, unauthorized } = target.control.counters();
      expect(tokenRequests).toBeLessThanOrEqual(3);
      expect(unauthorized).toBe(0);
    },
  );

  it.each<AdvertisedLifetime>(['zero', 'string', 'missing', 'null', 'negative'])(
    'with the lifetime advertised as %s, 20 calls cost ≤ 5 token calls',
    async (mode) => {
      target.control.setAdvertisedLifetime(mode);
      const client = adapter.client(target);
      await callsInARow(20, () => client.getResource());
      expect(target.control.counters().tokenRequests).toBeLessThanOrEqual(5);
    },
  );
});

describe.each(adapters)(
  '$vendor client against a skewed server clock, over time (http)',
  (adapter) => {
    // The sandbox and the client share one manual clock (the client reads it without the
    // server's offset), so five simulated minutes pass in a moment and tokens really expire.
    const time = createManualClock();
    let target: Target;
    beforeAll(async () => {
      target = await openTarget(adapter.vendor, 'http', {
        accessTokenTtlSeconds: 300,
        clock: time,
      });
    });
    afterAll(async () => {
      await target.close();
    });

    it.each([-5, 5])(
      'server %i min off: 50 calls over 500 s refresh ahead of expiry and never meet a 401',
      async (minutes) => {
        target.control.reset();
        target.control.setClockOffset(minutes * 60_000);
        const client = adapter.client(target, { clock: () => time.now() });
        for (let i = 0; i < 50; i++) {
          expect((await client.getResource()).status).toBe(200);
          time.advance(10_000);
        }
        const { tokenRequests, unauthorized } = target.control.counters();
        // One grant, then a refresh about every 270 s of the 500.
        expect(tokenRequests).toBeLessThanOrEqual(3);
        expect(unauthorized).toBe(0);
        target.control.setClockOffset(0);
      },
    );
  },
);
