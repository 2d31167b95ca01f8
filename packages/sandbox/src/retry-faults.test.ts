// 429 and 503 with Retry-After, for all three vendors over HTTP, queued through the
// /__sandbox/ control API as a client test in another process would.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from './clock';
import type { FaultRoutes } from './faults';
import { controlApi, controlJson } from './test-support/control-api';
import {
  type AnySandbox,
  startVendor,
  type VendorCalls,
  vendorCalls,
  vendors,
} from './test-support/vendor-calls';

type Vendor = (typeof vendors)[number];

interface Expected {
  contentType: string;
  /** The body, parsed when JSON (compared with toMatchObject), else the exact text. */
  body: unknown;
}

/** What each vendor answers for a 429, on its token endpoint and on its resource API. */
const rateLimitedBodies: Record<Vendor, { token: Expected; api: Expected }> = {
  cloudlx: {
    token: {
      contentType: 'application/json',
      body: { error: 'too_many_requests', error_description: 'Too Many Attempts.' },
    },
    api: {
      contentType: 'application/json',
      body: { message: 'You have exceeded your rate limit.', status_code: 429 },
    },
  },
  cloudcx: {
    token: {
      contentType: 'application/json',
      body: { error: 'too_many_requests', error_description: 'Rate limit exceeded.' },
    },
    api: {
      contentType: 'application/json',
      body: { status: 429, error: 'Too Many Requests', path: '/openapi/v2/user/page' },
    },
  },
  sensu: {
    token: { contentType: 'text/plain; charset=utf-8', body: 'Too Many Requests\n' },
    api: {
      contentType: 'text/plain; charset=utf-8',
      body: '{"message":"too many requests","code":0}',
    },
  },
};

async function expectBody(res: Response, expected: Expected): Promise<void> {
  expect(res.headers.get('content-type')).toBe(expected.contentType);
  const text = await res.text();
  if (typeof expected.body === 'string') expect(text).toBe(expected.body);
  else expect(JSON.parse(text)).toMatchObject(expected.body as object);
}

describe.each(vendors)('%s: 429 and 503 with Retry-After over HTTP', (vendor) => {
  const clock = createManualClock();
  let sandbox: AnySandbox;
  let calls: VendorCalls;
  beforeAll(async () => {
    sandbox = await startVendor(vendor, { clock });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(async () => {
    await controlJson(sandbox, '/reset', 'POST');
    calls = await vendorCalls(sandbox);
    await controlJson(sandbox, '/counters/reset', 'POST');
  });

  const inject = (fault: Record<string, unknown>) =>
    controlJson(sandbox, '/faults', 'POST', fault, 201);

  it('rate-limited (token routes by default): 429, Retry-After, the token error format, then recovery', async () => {
    await inject({ kind: 'rate-limited', count: 2, retryAfterSeconds: 3 });
    for (let i = 0; i < 2; i++) {
      const res = await calls.token();
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(res.headers.has('retry-after-ms')).toBe(false);
      await expectBody(res, rateLimitedBodies[vendor].token);
    }
    expect((await calls.api()).status).toBe(200);
    expect((await calls.token()).status).toBe(200);
    expect(sandbox.control.counters()).toMatchObject({
      tokenRequests: 3,
      primaryGrants: 1,
      faultsServed: 2,
    });
    expect(sandbox.control.faults()).toEqual([]);
  });

  it('rate-limited on "api" routes: the resource error format; token routes untouched', async () => {
    await inject({ kind: 'rate-limited', routes: 'api', count: 1 });
    expect((await calls.token()).status).toBe(200);
    const res = await calls.api();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    await expectBody(res, rateLimitedBodies[vendor].api);
    if (vendor === 'cloudlx') {
      expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBe(Math.ceil(clock.now() / 1000) + 1);
    }
    expect((await calls.api()).status).toBe(200);
  });

  it('rate-limited on "all" routes: one count shared by token and API calls, until cleared without a count', async () => {
    await inject({ kind: 'rate-limited', routes: 'all', count: 2, retryAfterSeconds: 0 });
    const first = await calls.api();
    const second = await calls.token();
    expect([first.status, second.status]).toEqual([429, 429]);
    expect(first.headers.get('retry-after')).toBe('0');
    expect((await calls.token()).status).toBe(200);

    await inject({ kind: 'rate-limited', routes: 'all' });
    for (const call of [calls.token, calls.api, calls.token])
      expect((await call()).status).toBe(429);
    expect(await controlJson(sandbox, '/faults', 'DELETE')).toEqual({ cleared: 1 });
    expect((await calls.api()).status).toBe(200);
  });

  it.each<FaultRoutes>(['token', 'api', 'all'])(
    'unavailable with routes "%s": 503 with Retry-After wherever it applies',
    async (routes) => {
      await inject({
        kind: 'unavailable',
        routes,
        count: routes === 'all' ? 2 : 1,
        retryAfterSeconds: 9,
      });
      const token = await calls.token();
      const api = await calls.api();
      const hit = { token: routes !== 'api', api: routes !== 'token' };
      for (const [res, faulted] of [
        [token, hit.token],
        [api, hit.api],
      ] as const) {
        expect(res.status).toBe(faulted ? 503 : 200);
        expect(res.headers.get('retry-after')).toBe(faulted ? '9' : null);
      }
      expect(sandbox.control.counters().faultsServed).toBe(routes === 'all' ? 2 : 1);
      expect(sandbox.control.faults()).toEqual([]);
    },
  );

  it('retryAfterMs adds a retry-after-ms header (Retry-After rounds it up to seconds)', async () => {
    await inject({ kind: 'rate-limited', count: 1, retryAfterMs: 1500 });
    await inject({
      kind: 'unavailable',
      routes: 'api',
      count: 1,
      retryAfterMs: 250,
      retryAfterSeconds: 4,
    });
    const limited = await calls.token();
    expect([
      limited.status,
      limited.headers.get('retry-after'),
      limited.headers.get('retry-after-ms'),
    ]).toEqual([429, '2', '1500']);
    const down = await calls.api();
    expect([
      down.status,
      down.headers.get('retry-after'),
      down.headers.get('retry-after-ms'),
    ]).toEqual([503, '4', '250']);
  });

  it('retryAfterFormat "http-date": Retry-After is an instant on the server clock, offset included', async () => {
    sandbox.control.setClockOffset(-300_000);
    try {
      await inject({
        kind: 'rate-limited',
        count: 1,
        retryAfterSeconds: 30,
        retryAfterFormat: 'http-date',
      });
      const res = await calls.token();
      expect(res.status).toBe(429);
      const serverNow = clock.now() - 300_000;
      expect(res.headers.get('date')).toBe(new Date(serverNow).toUTCString());
      expect(res.headers.get('retry-after')).toBe(new Date(serverNow + 30_000).toUTCString());
    } finally {
      sandbox.control.setClockOffset(0);
    }
  });
});

describe('bad retry faults over HTTP: a 400 naming the field and what it takes', () => {
  let sandbox: AnySandbox;
  beforeAll(async () => {
    sandbox = await startVendor('cloudcx');
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it.each([
    [
      { kind: 'rate-limited', retryAfterSeconds: -1 },
      '"retryAfterSeconds" must be an integer from 0 to 86400.',
    ],
    [
      { kind: 'rate-limited', retryAfterSeconds: '5' },
      '"retryAfterSeconds" must be an integer from 0 to 86400.',
    ],
    [
      { kind: 'unavailable', retryAfterMs: 1.5 },
      '"retryAfterMs" must be an integer from 0 to 86400000.',
    ],
    [
      { kind: 'rate-limited', retryAfterFormat: 'rfc1123' },
      '"retryAfterFormat" must be "seconds" or "http-date".',
    ],
    [{ kind: 'rate-limited', routes: 'tokens' }, '"routes" must be "token", "api" or "all".'],
    [{ kind: 'rate-limited', count: 0 }, '"count" must be an integer from 1 to 1000000000.'],
    [
      { kind: 'too-many' },
      '"kind" must be one of: server-error, unavailable, rate-limited, delay, hang, malformed-json, html-error, drop-connection, business-error.',
    ],
  ])('%j', async (fault, message) => {
    const res = await controlApi(sandbox, '/faults', 'POST', fault);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: message });
    expect(sandbox.control.faults()).toEqual([]);
  });
});
