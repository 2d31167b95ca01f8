// A server whose clock disagrees with the client's: every "now" (issuing, expiry checks,
// JWT claims, session lifetimes) and every Date header read the server's clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from './clock';
import { createSandbox } from './create-sandbox';
import { startSandbox } from './start-sandbox';
import { controlApi, controlJson } from './test-support/control-api';
import { rawExchange } from './test-support/raw-http';
import {
  basic,
  cloudcxGrant,
  cloudlxAccept,
  cloudlxGrant,
  jwtPart,
  sensuLogin,
  sensuRefresh,
} from './test-support/requests';
import { type AnySandbox, startVendor, vendorCalls, vendors } from './test-support/vendor-calls';

const fiveMinutes = 5 * 60 * 1000;

/** The Date header of a response, in ms since the epoch. */
function dateOf(res: Response): number {
  const date = res.headers.get('date');
  if (date === null) throw new Error('no Date header');
  return Date.parse(date);
}

describe('a Sensu backend 5 minutes slow (the system clock, over HTTP)', () => {
  it('shows it in expires_at, the JWT and the Date header, and its tokens still validate', async () => {
    const sensu = await startSandbox({ vendor: 'sensu', port: 0, clockOffsetMs: -fiveMinutes });
    try {
      const s = sensu.credentials;
      const before = Date.now();
      const res = await fetch(`${sensu.url}/auth`, {
        headers: { authorization: basic(s.username, s.password) },
      });
      const after = Date.now();
      expect(res.status).toBe(200);
      const tokens = (await res.json()) as {
        access_token: string;
        refresh_token: string;
        expires_at: number;
      };
      // The Date header has whole seconds: the server's "now" lies within the same second.
      const serverDate = dateOf(res);
      expect(serverDate).toBeGreaterThanOrEqual(Math.floor((before - fiveMinutes) / 1000) * 1000);
      expect(serverDate).toBeLessThanOrEqual(after - fiveMinutes);
      // 300 s of life on the server's clock: by the client's clock it "expired" already.
      expect(tokens.expires_at).toBeGreaterThanOrEqual(
        Math.floor((before - fiveMinutes) / 1000) + 300,
      );
      expect(tokens.expires_at).toBeLessThanOrEqual(Math.floor((after - fiveMinutes) / 1000) + 300);
      expect(tokens.expires_at).toBeLessThanOrEqual(Math.floor(after / 1000));
      expect(jwtPart(tokens.access_token, 1).exp).toBe(tokens.expires_at);

      const namespaces = await fetch(`${sensu.url}/api/core/v2/namespaces`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(namespaces.status).toBe(200);
      expect(Math.abs(dateOf(namespaces) - (Date.now() - fiveMinutes))).toBeLessThan(2000);
      const refreshed = await fetch(
        `${sensu.url}/auth/token`,
        sensuRefresh(tokens.access_token, tokens.refresh_token),
      );
      expect(refreshed.status).toBe(200);
      expect(sensu.control.counters()).toMatchObject({
        primaryGrants: 1,
        refreshes: 1,
        unauthorized: 0,
      });
    } finally {
      await sensu.close();
    }
  });
});

describe.each(vendors)('%s: the server clock, with an injected clock, over HTTP', (vendor) => {
  const clock = createManualClock();
  let sandbox: AnySandbox;
  beforeAll(async () => {
    sandbox = await startVendor(vendor, { clock, clockOffsetMs: 90_000 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('stamps every answer with the server clock: vendor routes, errors, faults, control routes', async () => {
    const calls = await vendorCalls(sandbox);
    const serverDate = new Date(clock.now() + 90_000).toUTCString();
    const unauthenticated = await fetch(
      `${sandbox.url}${new URL((await calls.api()).url).pathname}`,
    );
    sandbox.control.injectFault({ kind: 'html-error', count: 1 });
    const faulted = await calls.token();
    const answers = [
      await calls.token(),
      await calls.api(),
      unauthenticated,
      faulted,
      await fetch(`${sandbox.url}/no-such-path`),
      await controlApi(sandbox, '/clock'),
    ];
    expect(answers.map((res) => res.status)).toEqual([200, 200, 401, 502, 404, 200]);
    for (const res of answers) expect(res.headers.get('date')).toBe(serverDate);
  });

  it('moves with the clock and with a new offset set through the control API', async () => {
    clock.advance(61_000);
    expect(await controlJson(sandbox, '/clock')).toEqual({
      offsetMs: 90_000,
      nowMs: clock.now() + 90_000,
      now: new Date(clock.now() + 90_000).toISOString(),
    });
    const state = await controlJson<{ clock: unknown }>(sandbox, '');
    expect(state.clock).toMatchObject({ offsetMs: 90_000 });

    const set = await controlJson(sandbox, '/clock', 'PUT', { offset: '-5m' });
    expect(set).toMatchObject({ offsetMs: -fiveMinutes, nowMs: clock.now() - fiveMinutes });
    const calls = await vendorCalls(sandbox);
    expect(dateOf(await calls.api())).toBe(Math.floor((clock.now() - fiveMinutes) / 1000) * 1000);
    await controlJson(sandbox, '/clock', 'PUT', { offsetMs: 90_000 });
  });
});

describe('expiry decided on the server clock', () => {
  it('CloudLX: a jump of the server clock expires a token the client thinks is fresh', async () => {
    const clock = createManualClock();
    const lx = await startSandbox({ vendor: 'cloudlx', port: 0, clock, accessTokenTtlSeconds: 60 });
    try {
      const { clientId, clientSecret } = lx.credentials;
      const token = await cloudlxGrant(fetch, lx.url, clientId, clientSecret);
      const services = () =>
        fetch(`${lx.url}/api/services`, {
          headers: { accept: cloudlxAccept, authorization: `Bearer ${token.access_token}` },
        });
      expect((await services()).status).toBe(200);
      lx.control.setClockOffset(59_000);
      expect((await services()).status).toBe(200);
      lx.control.setClockOffset(60_000);
      expect((await services()).status).toBe(401);
    } finally {
      await lx.close();
    }
  });

  it('CloudCX: iat, nbf and exp of the JWT are on the server clock', async () => {
    const clock = createManualClock();
    const cx = await startSandbox({
      vendor: 'cloudcx',
      port: 0,
      clock,
      clockOffsetMs: -fiveMinutes,
    });
    try {
      const tokens = await cloudcxGrant(fetch, cx.url, cx.credentials);
      const iat = Math.floor((clock.now() - fiveMinutes) / 1000);
      expect(jwtPart(tokens.access_token, 1)).toMatchObject({ iat, nbf: iat, exp: iat + 3600 });
      expect(tokens.expires_in).toBe(3600);
    } finally {
      await cx.close();
    }
  });

  it('Sensu: the session idle lifetime runs on the server clock too', async () => {
    const clock = createManualClock();
    const sensu = createSandbox({ vendor: 'sensu', clock, refreshTokenTtlSeconds: 10 });
    const s = sensu.credentials;
    const tokens = await sensuLogin(sensu.fetch, sensu.url, s.username, s.password);
    sensu.control.setClockOffset(10_000);
    const res = await sensu.fetch(
      '/auth/token',
      sensuRefresh(tokens.access_token, tokens.refresh_token),
    );
    expect(res.status).toBe(401);
    expect(dateOf(res)).toBe(clock.now() + 10_000);
  });
});

describe('the nginx-style answer to an unparseable request', () => {
  it('carries the server clock too', async () => {
    const clock = createManualClock();
    const lx = await startSandbox({
      vendor: 'cloudlx',
      port: 0,
      clock,
      clockOffsetMs: -fiveMinutes,
    });
    try {
      const answer = await rawExchange(
        lx.port,
        'GET /api/services HTTP/1.1\r\nHost: x\r\nBad\rHeader: y\r\n\r\n',
      );
      expect(answer).toContain(
        `\r\nDate: ${new Date(clock.now() - fiveMinutes).toUTCString()}\r\n`,
      );
    } finally {
      await lx.close();
    }
  });
});

describe('setting the clock offset: every way in, the same checks', () => {
  let sandbox: AnySandbox;
  beforeAll(async () => {
    sandbox = await startVendor('sensu');
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it.each([
    [{ offsetMs: '-300000' }, '"offsetMs" must be an integer number of milliseconds'],
    [{ offsetMs: 1.5 }, '"offsetMs" must be an integer number of milliseconds'],
    [{ offsetMs: 40_000_000_000 }, 'from -31622400000 to 31622400000 (366 days either way)'],
    [
      { offset: 'five minutes' },
      '"offset" takes milliseconds or a whole number with a unit (ms, s, m, h, d)',
    ],
    [{ offset: -300 }, '"offset" must be a string such as "-5m"'],
    [{ offset: '-400d' }, '"offset" must be an integer number of milliseconds'],
    [
      { offset: '-5m', offsetMs: -300_000 },
      'Send {"offsetMs": -300000} (an integer number of ms) or {"offset": "-5m"}',
    ],
    [{}, 'Send {"offsetMs": -300000}'],
  ])('PUT /__sandbox/clock %j answers 400 saying why', async (body, message) => {
    const res = await controlApi(sandbox, '/clock', 'PUT', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
    expect(sandbox.control.clock().offsetMs).toBe(0);
  });

  it('accepts the duration forms and plain milliseconds', async () => {
    for (const [offset, ms] of [
      ['-5m', -300_000],
      ['+300s', 300_000],
      ['90000', 90_000],
      ['2h', 7_200_000],
      ['-250ms', -250],
    ] as const) {
      expect(await controlJson(sandbox, '/clock', 'PUT', { offset })).toMatchObject({
        offsetMs: ms,
      });
    }
    expect(await controlJson(sandbox, '/clock', 'PUT', { offsetMs: 0 })).toMatchObject({
      offsetMs: 0,
    });
  });

  it('SandboxControl and the options refuse the same values', () => {
    expect(() => sandbox.control.setClockOffset(Number.NaN)).toThrow(
      'clockOffsetMs must be an integer number of milliseconds',
    );
    expect(() => createSandbox({ vendor: 'cloudcx', clockOffsetMs: 0.5 })).toThrow(
      'clockOffsetMs must be an integer number of milliseconds',
    );
    expect(sandbox.control.setClockOffset(-1000)).toMatchObject({ offsetMs: -1000 });
    sandbox.control.reset();
    expect(sandbox.control.state().clock.offsetMs).toBe(-1000);
    sandbox.control.setClockOffset(0);
  });
});
