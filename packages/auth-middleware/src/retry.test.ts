import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStaticAuth, createTokenAuth } from './auth';
import {
  CredentialsRejectedError,
  InvalidOptionsError,
  TokenEndpointError,
  TokenRequestError,
} from './errors';
import type { GrantStrategy } from './grant';
import type { AuthLogger } from './observability';
import {
  type RetryEvent,
  type RetryOptions,
  resolveRetry,
  retryAfterMs,
  retryDelay,
  sleep,
} from './retry';
import {
  CLIENT_SECRET,
  deferred,
  FakeClock,
  FakeOAuthServer,
  fetchFailed,
  jsonResponse,
  oauthStrategy,
  recordingSleep,
  until,
} from './test-support/fake-oauth-server';
import { TokenManager, type TokenManagerOptions } from './token-manager';

type LogLine = [level: string, message: string, fields: unknown];

function recordingLogger() {
  const lines: LogLine[] = [];
  const logger: AuthLogger = {
    debug: (message, fields) => lines.push(['debug', message, fields]),
    info: (message, fields) => lines.push(['info', message, fields]),
    warn: (message, fields) => lines.push(['warn', message, fields]),
    error: (message, fields) => lines.push(['error', message, fields]),
  };
  return { lines, logger };
}

/** A token manager against the fake server, with an injected clock and a sleep that only records. */
function setup(
  options: {
    retry?: RetryOptions | false;
    manager?: Omit<TokenManagerOptions, 'retry' | 'clock'>;
    strategy?: (server: FakeOAuthServer) => GrantStrategy;
  } = {},
) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock });
  const { waits, sleep } = recordingSleep();
  const events: RetryEvent[] = [];
  const { lines, logger } = recordingLogger();
  const retry = options.retry === false ? false : { sleep, ...options.retry };
  const manager = new TokenManager(
    options.strategy?.(server) ?? oauthStrategy({ fetch: server.fetch }),
    {
      clock: clock.read,
      retry,
      hooks: { onRetry: (event) => events.push(event) },
      logger,
      ...options.manager,
    },
  );
  return { clock, server, manager, waits, events, lines };
}

const failing = (status: number, headers: Record<string, string> = {}) =>
  jsonResponse({ error: 'temporarily_unavailable' }, status, headers);

describe('resolveRetry', () => {
  it('fills in the defaults: 2 retries, 500 ms doubling up to 8 s, a 60 s Retry-After cap, idempotent methods, transient statuses', () => {
    const policy = resolveRetry(undefined);
    expect(policy).toMatchObject({
      maxRetries: 2,
      initialDelayMs: 500,
      maxDelayMs: 8_000,
      maxRetryAfterMs: 60_000,
    });
    expect([...(policy?.methods ?? [])]).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
    expect([...(policy?.statuses ?? [])]).toEqual([408, 429, 500, 502, 503, 504]);
  });

  it('turns retries off for false', () => {
    expect(resolveRetry(false)).toBeUndefined();
  });

  it('upper-cases the configured methods', () => {
    expect([...(resolveRetry({ methods: ['get', 'Post'] })?.methods ?? [])]).toEqual([
      'GET',
      'POST',
    ]);
  });

  it.each([
    ['maxRetries', -1],
    ['maxRetries', 1.5],
    ['maxRetries', Number.NaN],
    ['initialDelayMs', -500],
    ['maxDelayMs', Number.POSITIVE_INFINITY],
    ['maxRetryAfterMs', -1],
  ] as const)('refuses %s: %s with an InvalidOptionsError naming retry.%s', (option, value) => {
    const error = (() => {
      try {
        resolveRetry({ [option]: value });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', option: `retry.${option}` });
    expect((error as Error).message).toContain(`retry.${option}`);
  });

  it.each([
    ['a string', 'yes'],
    ['null', null],
    ['a number', 3],
  ])('refuses retry as %s with an InvalidOptionsError naming retry', (_kind, value) => {
    expect(() => resolveRetry(value as never)).toThrow(
      expect.objectContaining({ name: 'InvalidOptionsError', option: 'retry' }),
    );
  });

  // A `methods` or `statuses` of the wrong shape (a JavaScript caller, or options read from
  // JSON) gets an InvalidOptionsError naming the option, not a bare TypeError.
  it.each([
    ['methods', 'POST'],
    ['statuses', 503],
  ])('refuses retry.%s given as %o with an InvalidOptionsError naming it', (option, value) => {
    expect(() => resolveRetry({ [option]: value } as never)).toThrow(
      expect.objectContaining({ name: 'InvalidOptionsError', option: `retry.${option}` }),
    );
  });

  it('is checked by every factory at creation: TokenManager, createTokenAuth, createStaticAuth', () => {
    const strategy = oauthStrategy({ fetch: async () => new Response() });
    const retry = { maxRetries: -1 };
    const option = expect.objectContaining({ option: 'retry.maxRetries' });
    expect(() => new TokenManager(strategy, { retry })).toThrow(option);
    expect(() => createTokenAuth({ strategy, retry })).toThrow(option);
    expect(() => createStaticAuth({ headers: { Authorization: 'Key k' }, retry })).toThrow(option);
    expect(() => createStaticAuth({ headers: { Authorization: 'Key k' }, retry })).toThrow(
      InvalidOptionsError,
    );
  });
});

describe('retryAfterMs', () => {
  const NOW = Date.UTC(2025, 0, 1);
  const headers = (init: Record<string, string>) => new Headers(init);

  it('reads retry-after-ms first, then Retry-After in seconds, then as an HTTP date against now', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), NOW)).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '7' }), NOW)).toBe(7_000);
    expect(retryAfterMs(headers({ 'retry-after': '1.5' }), NOW)).toBe(1_500);
    expect(
      retryAfterMs(headers({ 'retry-after': new Date(NOW + 12_000).toUTCString() }), NOW),
    ).toBe(12_000);
    expect(retryAfterMs(headers({ 'retry-after': new Date(NOW - 5_000).toUTCString() }), NOW)).toBe(
      0,
    );
  });

  it('is undefined without a usable header', () => {
    expect(retryAfterMs(headers({}), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
  });
});

describe('retryDelay: jittered exponential backoff', () => {
  it('is 500 · 2^n with no jitter drawn (random 0), capped at maxDelayMs', () => {
    const policy = resolveRetry({ random: () => 0 });
    if (!policy) throw new Error('no policy');
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => retryDelay(policy, n, undefined))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000,
    ]);
  });

  it('stays within [0.75×, 1×] of the capped backoff for any random draw', () => {
    for (const draw of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999_999]) {
      const policy = resolveRetry({ random: () => draw, maxDelayMs: 3_000 });
      if (!policy) throw new Error('no policy');
      for (let n = 0; n < 8; n++) {
        const backoff = Math.min(500 * 2 ** n, 3_000);
        const delay = retryDelay(policy, n, undefined) ?? Number.NaN;
        expect(delay).toBeGreaterThanOrEqual(0.75 * backoff);
        expect(delay).toBeLessThanOrEqual(backoff);
      }
    }
    const half = resolveRetry({ random: () => 0.5 });
    if (!half) throw new Error('no policy');
    expect(retryDelay(half, 1, undefined)).toBe(875);
  });

  it("uses the server's wait as given when within maxRetryAfterMs, and none (undefined) above it", () => {
    const policy = resolveRetry({ random: () => 0.9, maxRetryAfterMs: 10_000 });
    if (!policy) throw new Error('no policy');
    expect(retryDelay(policy, 3, 10_000)).toBe(10_000);
    expect(retryDelay(policy, 0, 0)).toBe(0);
    expect(retryDelay(policy, 0, 10_001)).toBeUndefined();
  });
});

describe('sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits on a timer, and rejects with the signal's reason when it aborts first", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let done = false;
    const waiting = sleep(1_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);

    const controller = new AbortController();
    const aborted = sleep(60_000, controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});

describe('token requests: retries of transient failures', () => {
  it.each([408, 429, 500, 502, 503, 504])(
    'retries a %s once and succeeds, after the first backoff',
    async (status) => {
      const { server, manager, waits } = setup({ retry: { random: () => 0 } });
      server.tokenOverrides.push(() => failing(status));
      const tokens = await manager.getTokens();
      expect(server.tokenCalls).toHaveLength(2);
      expect(server.isValid(tokens.accessToken)).toBe(true);
      expect(waits).toEqual([500]);
    },
  );

  it('retries a connection error (fetch throws TypeError)', async () => {
    let failures = 1;
    const { server, manager, waits } = setup({
      strategy: (server) =>
        oauthStrategy({
          fetch: async (request) => {
            if (failures-- > 0) throw fetchFailed();
            return server.fetch(request);
          },
        }),
    });
    const tokens = await manager.getTokens();
    expect(tokens.accessToken).toBe('access-1');
    expect(server.tokenCalls).toHaveLength(1);
    expect(waits).toHaveLength(1);
  });

  it('retries a token request that timed out', async () => {
    const { server, manager, waits, events } = setup({
      manager: { timeoutMs: 5 },
      strategy: (server) => {
        let first = true;
        return oauthStrategy({
          fetch: (request) => {
            if (!first) return server.fetch(request);
            first = false;
            // Never answers: only the 5 ms attempt timeout ends it.
            return new Promise<Response>(() => {});
          },
        });
      },
    });
    const tokens = await manager.getTokens();
    expect(tokens.accessToken).toBe('access-1');
    expect(server.tokenCalls).toHaveLength(1);
    expect(waits).toHaveLength(1);
    expect(events[0]).toMatchObject({ code: 'TOKEN_REQUEST_TIMEOUT', status: undefined });
  });

  it('makes 3 token calls at most by default (2 retries), then throws the typed error', async () => {
    const { server, manager, waits } = setup({ retry: { random: () => 0 } });
    server.tokenOverrides.push(
      () => failing(503),
      () => failing(503),
      () => failing(503),
      () => failing(503),
    );
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT_ERROR', status: 503 });
    expect(server.tokenCalls).toHaveLength(3);
    expect(waits).toEqual([500, 1_000]);
  });

  it('gives up on a connection error after 2 retries with a TokenRequestError', async () => {
    let calls = 0;
    const { manager, waits } = setup({
      strategy: () =>
        oauthStrategy({
          fetch: async () => {
            calls += 1;
            throw fetchFailed();
          },
        }),
    });
    await expect(manager.getTokens()).rejects.toMatchObject({
      name: 'TokenRequestError',
      code: 'TOKEN_REQUEST_FAILED',
      systemCode: 'ECONNREFUSED',
    });
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it.each([
    [400, { error: 'invalid_request' }, TokenEndpointError],
    [400, { error: 'invalid_client' }, CredentialsRejectedError],
    [401, { error: 'invalid_client' }, CredentialsRejectedError],
    [403, { error: 'access_denied' }, TokenEndpointError],
  ])('never retries a %s (%o)', async (status, body, type) => {
    const { server, manager, waits, events } = setup();
    server.tokenOverrides.push(() => jsonResponse(body, status));
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ status });
    expect(server.tokenCalls).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(events).toEqual([]);
  });

  it('makes one token call and no retry with retry: false', async () => {
    const { server, manager, waits } = setup({ retry: false });
    server.tokenOverrides.push(() => failing(503));
    await expect(manager.getTokens()).rejects.toMatchObject({ status: 503 });
    expect(server.tokenCalls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('follows maxRetries, and backs off 500 · 2^n capped at maxDelayMs', async () => {
    const { server, manager, waits } = setup({
      retry: { maxRetries: 5, maxDelayMs: 3_000, random: () => 0 },
    });
    server.tokenOverrides.push(...Array.from({ length: 5 }, () => () => failing(502)));
    const tokens = await manager.getTokens();
    expect(server.tokenCalls).toHaveLength(6);
    expect(server.isValid(tokens.accessToken)).toBe(true);
    expect(waits).toEqual([500, 1_000, 2_000, 3_000, 3_000]);
  });

  it('draws the jitter from the injected random: each wait in [0.75×, 1×] of its backoff', async () => {
    const draws = [0.999, 0.5, 0];
    const { server, manager, waits } = setup({
      retry: { maxRetries: 3, random: () => draws.shift() ?? 0 },
    });
    server.tokenOverrides.push(...Array.from({ length: 3 }, () => () => failing(500)));
    await manager.getTokens();
    expect(waits).toEqual([Math.ceil(500 * (1 - 0.999 * 0.25)), 875, 2_000]);
    expect(waits[0]).toBeGreaterThanOrEqual(375);
  });

  describe("honours the server's wait", () => {
    it('Retry-After in seconds', async () => {
      const { server, manager, waits } = setup();
      server.tokenOverrides.push(() => failing(503, { 'retry-after': '7' }));
      await manager.getTokens();
      expect(waits).toEqual([7_000]);
    });

    it('Retry-After as an HTTP date, measured against the injected clock', async () => {
      const { server, manager, waits, clock } = setup();
      const at = new Date(clock.now + 12_000).toUTCString();
      server.tokenOverrides.push(() => failing(429, { 'retry-after': at }));
      await manager.getTokens();
      expect(waits).toEqual([12_000]);
    });

    it('retry-after-ms', async () => {
      const { server, manager, waits } = setup();
      server.tokenOverrides.push(() => failing(503, { 'retry-after-ms': '250' }));
      await manager.getTokens();
      expect(waits).toEqual([250]);
    });

    it('fails at once, without a sleep, when Retry-After is above the default 60 s cap', async () => {
      const { server, manager, waits, events } = setup();
      server.tokenOverrides.push(() => failing(503, { 'retry-after': '61' }));
      const error = await manager.getTokens().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenEndpointError);
      expect(error).not.toBeInstanceOf(CredentialsRejectedError);
      expect(error).toMatchObject({ status: 503, retryAfterSeconds: 61 });
      expect((error as Error).message).toContain('it asked to wait 61 s');
      expect(server.tokenCalls).toHaveLength(1);
      expect(waits).toEqual([]);
      expect(events).toEqual([]);
    });

    it('fails at once when retry-after-ms is above the cap, with retryAfterSeconds rounded up', async () => {
      const { server, manager, waits } = setup();
      server.tokenOverrides.push(() => failing(429, { 'retry-after-ms': '60001' }));
      await expect(manager.getTokens()).rejects.toMatchObject({
        name: 'TokenEndpointError',
        status: 429,
        retryAfterSeconds: 61,
      });
      expect(waits).toEqual([]);
      expect(server.tokenCalls).toHaveLength(1);
    });

    it('takes exactly 60 s (the cap itself), and honours a lower maxRetryAfterMs', async () => {
      const capped = setup();
      capped.server.tokenOverrides.push(() => failing(429, { 'retry-after': '60' }));
      await capped.manager.getTokens();
      expect(capped.waits).toEqual([60_000]);

      const lower = setup({ retry: { maxRetryAfterMs: 5_000 } });
      lower.server.tokenOverrides.push(() => failing(429, { 'retry-after': '6' }));
      await expect(lower.manager.getTokens()).rejects.toMatchObject({
        status: 429,
        retryAfterSeconds: 6,
      });
      expect(lower.waits).toEqual([]);
    });
  });

  it('gives 200 concurrent callers one shared retry schedule and the same token', async () => {
    const gate = deferred();
    const waits: number[] = [];
    const { server, manager } = setup({
      retry: {
        sleep: (ms) => {
          waits.push(ms);
          return gate.promise;
        },
      },
    });
    server.tokenOverrides.push(() => failing(503));
    const callers = Array.from({ length: 200 }, () => manager.getTokens());
    await until(() => waits.length === 1, 'the backoff');
    gate.resolve();
    const results = await Promise.all(callers);
    expect(new Set(results.map((tokens) => tokens.accessToken))).toEqual(new Set(['access-1']));
    expect(server.tokenCalls).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(server.maxInFlight).toBe(1);
  });

  it('retries a refresh inside its flight too (not falling back to the primary grant)', async () => {
    const { server, manager, clock, events } = setup();
    await manager.getTokens();
    clock.advance(3_600_000);
    server.tokenOverrides.push(() => failing(503));
    const tokens = await manager.getTokens();
    expect(server.tokenCalls.map((call) => call.grantType)).toEqual([
      'client_credentials',
      'refresh_token',
      'refresh_token',
    ]);
    expect(server.isValid(tokens.accessToken)).toBe(true);
    expect(events.map((event) => event.request)).toEqual(['fake token refresh']);
  });
});

describe('token requests: onRetry and the logger', () => {
  it('fire once per retry with attempt, delay and status or code, and never a secret', async () => {
    let step = 0;
    const { manager, events, lines, server, clock } = setup({
      retry: { random: () => 0 },
      strategy: (server) =>
        oauthStrategy({
          fetch: async (request) => {
            step += 1;
            // The runtime's error may quote the request: it must not reach the events.
            if (step === 2) throw new TypeError(`fetch failed: client_secret=${CLIENT_SECRET}`);
            return server.fetch(request);
          },
        }),
    });
    server.tokenOverrides.push(() => failing(503));
    await manager.getTokens();
    // Then a refresh, whose request carries the refresh token.
    clock.advance(3_600_000);
    server.tokenOverrides.push(() => failing(429));
    await manager.getTokens();

    expect(events).toEqual([
      {
        strategy: 'fake',
        target: 'token',
        attempt: 1,
        maxRetries: 2,
        delayMs: 500,
        status: 503,
        code: undefined,
        request: 'fake token request',
      },
      {
        strategy: 'fake',
        target: 'token',
        attempt: 2,
        maxRetries: 2,
        delayMs: 1_000,
        status: undefined,
        code: 'TOKEN_REQUEST_FAILED',
        request: 'fake token request',
      },
      {
        strategy: 'fake',
        target: 'token',
        attempt: 1,
        maxRetries: 2,
        delayMs: 500,
        status: 429,
        code: undefined,
        request: 'fake token refresh',
      },
    ]);
    const retries = lines.filter(([level]) => level === 'info');
    expect(retries.map(([, message]) => message)).toEqual([
      'tokenwire: retrying fake token request in 500 ms after HTTP 503 (retry 1 of 2)',
      'tokenwire: retrying fake token request in 1000 ms after TOKEN_REQUEST_FAILED (retry 2 of 2)',
      'tokenwire: retrying fake token refresh in 500 ms after HTTP 429 (retry 1 of 2)',
    ]);
    expect(retries[0]?.[2]).toEqual({
      strategy: 'fake',
      attempt: 1,
      delayMs: 500,
      status: 503,
      code: undefined,
    });
    const everything = JSON.stringify([events, lines]);
    expect(server.issued.length).toBeGreaterThan(0);
    for (const secret of [CLIENT_SECRET, ...server.issued]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('a hook that throws does not break the retry', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
      clock: clock.read,
      retry: { sleep: async () => {} },
      hooks: {
        onRetry: () => {
          throw new Error('hook failed');
        },
      },
    });
    server.tokenOverrides.push(() => failing(503));
    expect((await manager.getTokens()).accessToken).toBe('access-1');
    expect(server.tokenCalls).toHaveLength(2);
  });
});

describe('token request failures are typed', () => {
  it('a connection failure on the last attempt is a TokenRequestError with the system code', async () => {
    const { manager } = setup({
      retry: false,
      strategy: () =>
        oauthStrategy({
          fetch: async () => {
            throw fetchFailed('ENOTFOUND', 'getaddrinfo ENOTFOUND auth.example.test');
          },
        }),
    });
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', systemCode: 'ENOTFOUND' });
    expect((error as Error).message).toContain('ENOTFOUND');
    expect((error as Error).message).toContain('https://auth.example.test');
    expect((error as Error).message).not.toContain('/oauth/token');
  });
});
