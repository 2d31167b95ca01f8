import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Auth, createStaticAuth, createTokenAuth } from './auth';
import { InvalidOptionsError } from './errors';
import type { RetryEvent, RetryOptions } from './retry';
import {
  API_BASE,
  AUTH_KINDS,
  type AuthKind,
  clientThrough,
  FakeClock,
  FakeOAuthServer,
  jsonResponse,
  oauthStrategy,
  recordingSleep,
} from './test-support/fake-oauth-server';
import type { TestPaths } from './test-support/openapi-test-paths';
import { attemptSignal, DEFAULT_REQUEST_TIMEOUT_MS, timeoutOption } from './timeout';
import { TokenManager } from './token-manager';
import { RequestAbortedError, RequestTimeoutError } from './transport-errors';

beforeEach(() => {
  // Only the timers: the attempt timeouts are setTimeout, the token hashing is not.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('timeoutOption', () => {
  it('gives the fallback for undefined, 0 (none) for 0 and false, the value otherwise', () => {
    expect(timeoutOption(undefined, 'requestTimeoutMs', 60_000)).toBe(60_000);
    expect(timeoutOption(0, 'requestTimeoutMs', 60_000)).toBe(0);
    expect(timeoutOption(false, 'requestTimeoutMs', 60_000)).toBe(0);
    expect(timeoutOption(1_500, 'requestTimeoutMs', 60_000)).toBe(1_500);
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(60_000);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '100'])(
    'refuses %s with an InvalidOptionsError naming the option',
    (value) => {
      expect(() => timeoutOption(value as number, 'requestTimeoutMs', 1)).toThrow(
        expect.objectContaining({ name: 'InvalidOptionsError', option: 'requestTimeoutMs' }),
      );
    },
  );
});

describe('attemptSignal', () => {
  it('aborts with a TimeoutError when its timer fires, and says so', async () => {
    const attempt = attemptSignal(undefined, 1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(attempt.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.timedOut()).toBe(true);
    expect(attempt.signal.reason).toMatchObject({ name: 'TimeoutError' });
    attempt.done();
  });

  it("follows the caller's signal (already aborted or aborting later), and is not a timeout then", () => {
    const reason = new Error('caller');
    const early = attemptSignal(AbortSignal.abort(reason), 1_000);
    expect(early.signal.reason).toBe(reason);
    expect(early.timedOut()).toBe(false);
    early.done();

    const controller = new AbortController();
    const late = attemptSignal(controller.signal, 1_000);
    controller.abort(reason);
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe(reason);
    expect(late.timedOut()).toBe(false);
    late.done();
  });

  it('arms no timer for 0, and done() stops the timer but keeps following the caller', async () => {
    const none = attemptSignal(undefined, 0);
    expect(vi.getTimerCount()).toBe(0);
    none.done();

    const controller = new AbortController();
    const attempt = attemptSignal(controller.signal, 1_000);
    expect(vi.getTimerCount()).toBe(1);
    attempt.done();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(attempt.signal.aborted).toBe(false);
    // The body may still be streaming: the caller's abort must reach it.
    controller.abort();
    expect(attempt.signal.aborted).toBe(true);
  });
});

type Kind = AuthKind;
const KINDS = AUTH_KINDS;

/**
 * An attempt that answers 200 after `ms` (of fake time), unless its signal aborts first. Like
 * fetch, it listens to the signal in `init` when given, else the request's.
 */
const slow =
  (ms: number) =>
  (request: Request, signal = request.signal): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => resolve(jsonResponse({ ok: true, late: true })), ms);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });

async function setup(
  kind: Kind,
  options: { requestTimeoutMs?: number | false; retry?: RetryOptions | false } = {},
) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock });
  const { waits, sleep } = recordingSleep();
  const events: RetryEvent[] = [];
  const common = {
    retry: options.retry === false ? (false as const) : { sleep, ...options.retry },
    clock: clock.read,
    hooks: { onRetry: (event: RetryEvent) => events.push(event) },
    ...(options.requestTimeoutMs === undefined
      ? {}
      : { requestTimeoutMs: options.requestTimeoutMs }),
  };
  let auth: Auth;
  if (kind.startsWith('token')) {
    const tokenAuth = createTokenAuth({
      strategy: oauthStrategy({ fetch: server.fetch }),
      ...common,
    });
    // Acquired beforehand, so the calls below wait on timers only.
    await tokenAuth.getAccessToken();
    auth = tokenAuth;
  } else {
    const key = String(server.issue(false).access_token);
    auth = createStaticAuth({ headers: { Authorization: `Bearer ${key}` }, ...common });
  }
  /** The next attempts' answers; then the server's. `sent` has the attempts that went out. */
  const answers: Array<(request: Request, signal?: AbortSignal) => Promise<Response>> = [];
  const sent: Request[] = [];
  const apiFetch = async (request: Request, init?: RequestInit) => {
    // As fetch does: a signal in `init` wins over the request's, and an aborted one sends nothing.
    const signal = init?.signal ?? request.signal;
    signal.throwIfAborted();
    sent.push(request);
    const answer = answers.shift();
    if (answer) return answer(request, signal);
    return server.fetch(request);
  };
  const { client } = clientThrough<TestPaths>(kind, auth, apiFetch);
  return { server, client, answers, sent, waits, events };
}

const outcome = <T>(promise: Promise<T>): Promise<T | unknown> =>
  promise.catch((error: unknown) => error);

describe.each(KINDS)('%s: requestTimeoutMs', (kind) => {
  it('rejects an attempt without response headers in time with a RequestTimeoutError naming the origin only', async () => {
    const { client, answers, sent } = await setup(kind, { requestTimeoutMs: 2_000, retry: false });
    answers.push(slow(10_000));
    const pending = outcome(
      client.GET('/things', { params: { query: { cursor: 'query-secret-1' } } } as never),
    );
    await vi.advanceTimersByTimeAsync(1_999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({
      name: 'RequestTimeoutError',
      code: 'REQUEST_TIMEOUT',
      timeoutMs: 2_000,
      origin: API_BASE,
    });
    const { message } = error as Error;
    expect(message).toContain(API_BASE);
    expect(message).toContain('2000 ms');
    expect(message).not.toContain('/things');
    expect(message).not.toContain('query-secret-1');
    expect(sent).toHaveLength(1);
  });

  it('retries the timed-out attempt', async () => {
    const { client, answers, sent, events, waits } = await setup(kind, { requestTimeoutMs: 2_000 });
    answers.push(slow(10_000));
    const pending = client.GET('/things');
    await vi.advanceTimersByTimeAsync(2_000);
    const { response, data } = await pending;
    expect(response.status).toBe(200);
    expect(data?.ok).toBe(true);
    expect(sent).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(events).toMatchObject([{ target: 'api', code: 'REQUEST_TIMEOUT', status: undefined }]);
  });

  it('gives up with the RequestTimeoutError after the retries are spent', async () => {
    const { client, answers, sent } = await setup(kind, { requestTimeoutMs: 1_000 });
    answers.push(slow(10_000), slow(10_000), slow(10_000));
    const pending = outcome(client.GET('/things'));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await pending).toBeInstanceOf(RequestTimeoutError);
    expect(sent).toHaveLength(3);
  });

  it('times out after 60 s by default', async () => {
    const { client, answers } = await setup(kind, { retry: false });
    answers.push(slow(120_000));
    const pending = outcome(client.GET('/things'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await pending).toMatchObject({ code: 'REQUEST_TIMEOUT', timeoutMs: 60_000 });
  });

  it.each([0, false] as const)('requestTimeoutMs: %s turns it off', async (requestTimeoutMs) => {
    const { client, answers, sent } = await setup(kind, { requestTimeoutMs, retry: false });
    answers.push(slow(600_000));
    const pending = client.GET('/things');
    await vi.advanceTimersByTimeAsync(600_000);
    const { response, data } = await pending;
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ late: true });
    expect(sent).toHaveLength(1);
  });

  it("composes with the caller's signal: the caller aborting first gives RequestAbortedError, not retried", async () => {
    const { client, answers, sent } = await setup(kind, { requestTimeoutMs: 10_000 });
    answers.push(slow(60_000));
    const controller = new AbortController();
    const pending = outcome(client.GET('/things', { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(3_000);
    const reason = new Error('user cancelled');
    controller.abort(reason);
    const error = await pending;
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'REQUEST_ABORTED' });
    expect((error as Error).cause).toBe(reason);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(1);
  });

  it("composes with the caller's signal: the timeout firing first gives RequestTimeoutError", async () => {
    const { client, answers } = await setup(kind, { requestTimeoutMs: 1_000, retry: false });
    answers.push(slow(60_000));
    const controller = new AbortController();
    const pending = outcome(client.GET('/things', { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1_000);
    const error = await pending;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(controller.signal.aborted).toBe(false);
  });

  it('a caller signal aborted before the call sends nothing and rejects with RequestAbortedError', async () => {
    const { client, sent } = await setup(kind, { requestTimeoutMs: 1_000 });
    const error = await outcome(client.GET('/things', { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(sent).toHaveLength(0);
  });

  it('stops the timer once the headers arrive: a quick answer leaves no timer behind', async () => {
    const { client } = await setup(kind, { requestTimeoutMs: 1_000 });
    const { response } = await client.GET('/things');
    expect(response.status).toBe(200);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('invalid timeout options', () => {
  const strategy = oauthStrategy({ fetch: async () => new Response() });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])(
    'requestTimeoutMs: %s is an InvalidOptionsError naming requestTimeoutMs',
    (requestTimeoutMs) => {
      const option = expect.objectContaining({ option: 'requestTimeoutMs' });
      expect(() => createTokenAuth({ strategy, requestTimeoutMs })).toThrow(InvalidOptionsError);
      expect(() => createTokenAuth({ strategy, requestTimeoutMs })).toThrow(option);
      expect(() =>
        createStaticAuth({ headers: { Authorization: 'Key k' }, requestTimeoutMs }),
      ).toThrow(option);
    },
  );

  it('timeoutMs (token requests): a negative value is an InvalidOptionsError naming timeoutMs', () => {
    expect(() => new TokenManager(strategy, { timeoutMs: -5 })).toThrow(
      expect.objectContaining({ name: 'InvalidOptionsError', option: 'timeoutMs' }),
    );
  });
});
