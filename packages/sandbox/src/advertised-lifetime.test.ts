// Token responses that advertise a lifetime other than the real one: the token keeps working
// for its real lifetime, so a client that uses it until a 401 still works.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AdvertisedLifetime, advertisedLifetimes } from './advertised-lifetime';
import { createManualClock } from './clock';
import { createSandbox } from './create-sandbox';
import { controlApi, controlJson } from './test-support/control-api';
import { basic, cloudlxAccept, formPost, sensuRefresh } from './test-support/requests';
import { type AnySandbox, startVendor, vendors } from './test-support/vendor-calls';

type TokenBody = Record<string, unknown> & { access_token: string; refresh_token?: string };

interface VendorFlow {
  /** The member that advertises the lifetime. */
  field: 'expires_in' | 'expires_at';
  login(): Promise<Response>;
  refresh(tokens: TokenBody): Promise<Response>;
  /** A resource call with the access token. */
  use(accessToken: string): Promise<Response>;
}

function flowOf(sandbox: AnySandbox): VendorFlow {
  const at = (path: string) => `${sandbox.url}${path}`;
  switch (sandbox.vendor) {
    case 'cloudlx': {
      const { clientId, clientSecret } = sandbox.credentials;
      const grant = (fields: Record<string, string>, path: string) =>
        fetch(at(path), formPost(fields, { accept: cloudlxAccept }));
      return {
        field: 'expires_in',
        login: () =>
          grant(
            { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
            '/api/oauth2/access-token',
          ),
        refresh: (tokens) =>
          grant(
            {
              grant_type: 'refresh_token',
              refresh_token: tokens.refresh_token ?? '',
              client_id: clientId,
              client_secret: clientSecret,
            },
            '/api/oauth2/refresh-token',
          ),
        use: (token) =>
          fetch(at('/api/services'), {
            headers: { accept: cloudlxAccept, authorization: `Bearer ${token}` },
          }),
      };
    }
    case 'cloudcx': {
      const c = sandbox.credentials;
      const client = { client_id: c.clientId, client_secret: c.clientSecret };
      return {
        field: 'expires_in',
        login: () =>
          fetch(
            at('/oauth/token'),
            formPost({
              ...client,
              grant_type: 'password',
              username: c.username,
              password: c.password,
            }),
          ),
        refresh: (tokens) =>
          fetch(
            at('/oauth/token'),
            formPost({
              ...client,
              grant_type: 'refresh_token',
              refresh_token: tokens.refresh_token ?? '',
            }),
          ),
        use: (token) =>
          fetch(at('/openapi/v2/user/page'), { headers: { authorization: `Bearer ${token}` } }),
      };
    }
    case 'sensu': {
      const s = sandbox.credentials;
      return {
        field: 'expires_at',
        login: () =>
          fetch(at('/auth'), { headers: { authorization: basic(s.username, s.password) } }),
        refresh: (tokens) =>
          fetch(at('/auth/token'), sensuRefresh(tokens.access_token, tokens.refresh_token ?? '')),
        use: (token) =>
          fetch(at('/api/core/v2/namespaces'), { headers: { authorization: `Bearer ${token}` } }),
      };
    }
  }
}

/** What each mode advertises for a 60-second token: relative (`expires_in`) or absolute. */
function expected(
  mode: AdvertisedLifetime,
  field: VendorFlow['field'],
  nowSeconds: number,
): { present: boolean; value?: unknown } {
  const real = field === 'expires_in' ? 60 : nowSeconds + 60;
  switch (mode) {
    case 'number':
      return { present: true, value: real };
    case 'zero':
      return { present: true, value: field === 'expires_in' ? 0 : nowSeconds };
    case 'string':
      return { present: true, value: String(real) };
    case 'missing':
      return { present: false };
    case 'null':
      return { present: true, value: null };
    case 'negative':
      return { present: true, value: field === 'expires_in' ? -5 : nowSeconds - 5 };
  }
}

describe.each(vendors)('%s: advertised lifetimes over HTTP', (vendor) => {
  const clock = createManualClock();
  let sandbox: AnySandbox;
  let flow: VendorFlow;
  beforeAll(async () => {
    // An offset too, so "now" in the answers is visibly the server's, not the test's.
    sandbox = await startVendor(vendor, {
      clock,
      accessTokenTtlSeconds: 60,
      clockOffsetMs: -120_000,
    });
    flow = flowOf(sandbox);
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(async () => {
    await controlJson(sandbox, '/reset', 'POST');
  });
  const serverSeconds = () => Math.floor((clock.now() - 120_000) / 1000);

  it.each(advertisedLifetimes)(
    '"%s": login and refresh advertise it; the token lives its real 60 s; counters stay exact',
    async (mode) => {
      expect(await controlJson(sandbox, '/advertised-lifetime', 'PUT', { mode })).toEqual({
        advertisedLifetime: mode,
      });
      const check = async (res: Response): Promise<TokenBody> => {
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json');
        const body = (await res.json()) as TokenBody;
        const want = expected(mode, flow.field, serverSeconds());
        expect(flow.field in body).toBe(want.present);
        if (want.present) expect(body[flow.field]).toStrictEqual(want.value);
        expect(typeof body.access_token).toBe('string');
        return body;
      };

      const login = await check(await flow.login());
      expect((await flow.use(login.access_token)).status).toBe(200);
      clock.advance(30_000);
      const renewed = await check(await flow.refresh(login));
      clock.advance(59_000);
      expect((await flow.use(renewed.access_token)).status).toBe(200);
      clock.advance(1000);
      expect((await flow.use(renewed.access_token)).status).toBe(401);

      expect(sandbox.control.counters()).toMatchObject({
        tokenRequests: 2,
        primaryGrants: 1,
        refreshes: 1,
        unauthorized: 1,
      });
      expect(sandbox.control.state()).toMatchObject({
        advertisedLifetime: mode,
        lifetimes: { accessTokenTtlSeconds: 60 },
      });
    },
  );
});

describe('setting the advertised lifetime: every way in, the same checks', () => {
  let sandbox: AnySandbox;
  beforeAll(async () => {
    sandbox = await startVendor('cloudlx', { advertisedLifetime: 'string' });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('takes it as an option, shows it in the state, and keeps it across reset', async () => {
    expect((await controlJson(sandbox, '')).advertisedLifetime).toBe('string');
    await controlJson(sandbox, '/reset', 'POST');
    expect(sandbox.control.state().advertisedLifetime).toBe('string');
    const body = (await (await flowOf(sandbox).login()).json()) as TokenBody;
    expect(body.expires_in).toBe('3600');
  });

  it.each([
    [
      { mode: 'bogus' },
      '"mode" must be one of: number, zero, string, missing, null, negative; got "bogus".',
    ],
    [{ mode: 0 }, '"mode" must be one of: number, zero, string, missing, null, negative; got 0.'],
    [{}, 'Send {"mode": "..."} with one of: number, zero, string, missing, null, negative.'],
  ])('PUT /__sandbox/advertised-lifetime %j answers 400 saying why', async (body, message) => {
    const res = await controlApi(sandbox, '/advertised-lifetime', 'PUT', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: message });
    expect(sandbox.control.state().advertisedLifetime).toBe('string');
  });

  it('SandboxControl and the options refuse the same values', () => {
    expect(() => sandbox.control.setAdvertisedLifetime('soon' as AdvertisedLifetime)).toThrow(
      'advertisedLifetime must be one of: number, zero, string, missing, null, negative; got "soon".',
    );
    expect(() =>
      createSandbox({ vendor: 'sensu', advertisedLifetime: 'never' as AdvertisedLifetime }),
    ).toThrow(RangeError);
    expect(sandbox.control.setAdvertisedLifetime('zero')).toBe('zero');
    sandbox.control.setAdvertisedLifetime('string');
  });
});

describe('CloudCX without refresh tokens', () => {
  it('leaves refresh_token out of an off-spec answer too', async () => {
    const cx = createSandbox({
      vendor: 'cloudcx',
      issueRefreshTokens: false,
      advertisedLifetime: 'null',
    });
    const c = cx.credentials;
    const res = await cx.fetch(
      '/oauth/token',
      formPost({
        grant_type: 'password',
        client_id: c.clientId,
        client_secret: c.clientSecret,
        username: c.username,
        password: c.password,
      }),
    );
    const body = (await res.json()) as TokenBody;
    expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(body.expires_in).toBeNull();
  });
});
