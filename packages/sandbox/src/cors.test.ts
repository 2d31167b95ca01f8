import { describe, expect, it } from 'vitest';
import { banner, parseCli } from './cli-options';
import { createManualClock } from './clock';
import { corsExposedHeaders } from './cors';
import { createSandbox } from './create-sandbox';
import { defaultCredentials } from './options';
import { startSandbox } from './start-sandbox';
import { controlApi, controlJson } from './test-support/control-api';
import { basic, cloudlxAccept, cloudlxGrant, sensuLogin } from './test-support/requests';

const page = 'http://localhost:5173';

function preflight(method: string, requestHeaders: string, origin = page): RequestInit {
  return {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': requestHeaders,
    },
  };
}

function exposedHeaders(res: Response): string[] {
  return (res.headers.get('access-control-expose-headers') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
}

describe('CORS', () => {
  it('is off by default: no CORS headers, and a preflight gets the vendor answer to OPTIONS', async () => {
    const sandbox = createSandbox({ vendor: 'cloudlx' });
    expect(sandbox.control.state().cors).toBe(false);
    const res = await sandbox.fetch('/api/services', { headers: { origin: page } });
    expect(res.status).toBe(401);
    expect([...res.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual(
      [],
    );
    expect(res.headers.get('vary')).toBeNull();
    const options = await sandbox.fetch('/api/services', preflight('GET', 'authorization'));
    expect(options.status).toBe(405);
    expect(await options.json()).toEqual({ message: '405 Method Not Allowed', status_code: 405 });
    expect(options.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight with 204, the methods, the headers the clients send, and a max age', async () => {
    const sandbox = createSandbox({ vendor: 'cloudcx', cors: true });
    const res = await sandbox.fetch(
      '/oauth/token',
      preflight('POST', 'content-type, authorization, x-request-id'),
    );
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')?.split(', ')).toEqual(
      expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']),
    );
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, Accept, x-request-id',
    );
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('access-control-allow-private-network')).toBeNull();
    // A preflight is no vendor call: nothing counted, no fault taken.
    expect(sandbox.control.counters().tokenRequests).toBe(0);
  });

  it('allows a page on a public origin to reach loopback when the preflight asks (Private Network Access)', async () => {
    const sandbox = createSandbox({ vendor: 'sensu', cors: true });
    const res = await sandbox.fetch('/auth', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-private-network': 'true',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-private-network')).toBe('true');
  });

  it('exposes Sensu-Continue on a paged Sensu list', async () => {
    const sandbox = createSandbox({ vendor: 'sensu', cors: true });
    const s = sandbox.credentials;
    const tokens = await sensuLogin(sandbox.fetch, sandbox.url, s.username, s.password);
    const res = await sandbox.fetch('/api/core/v2/namespaces/default/entities?limit=5', {
      headers: { origin: page, authorization: `Bearer ${tokens.access_token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('sensu-continue')).toBeTruthy();
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(exposedHeaders(res)).toEqual(
      expect.arrayContaining(['sensu-continue', 'date', 'content-type']),
    );
    expect(res.headers.get('vary')).toBeNull();
  });

  it.each([
    ['rate-limited', 429],
    ['unavailable', 503],
  ] as const)('exposes Retry-After on a %s fault (%i)', async (kind, status) => {
    const sandbox = createSandbox({ vendor: 'cloudlx', cors: true });
    sandbox.control.injectFault({ kind, count: 1, retryAfterMs: 1500 });
    const { clientId, clientSecret } = sandbox.credentials;
    const res = await sandbox.fetch('/api/oauth2/access-token', {
      method: 'POST',
      headers: {
        origin: page,
        accept: cloudlxAccept,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(exposedHeaders(res)).toEqual(
      expect.arrayContaining(['retry-after', 'retry-after-ms', 'date']),
    );
  });

  it('exposes every header the clients read', () => {
    expect(corsExposedHeaders.map((name) => name.toLowerCase())).toEqual(
      expect.arrayContaining([
        'sensu-continue',
        'retry-after',
        'retry-after-ms',
        'date',
        'content-type',
        'www-authenticate',
        'x-ratelimit-reset',
      ]),
    );
  });

  it('admits only the listed origins: echoes an allowed one, with Vary: Origin', async () => {
    const other = 'https://app.example.com';
    const sandbox = createSandbox({ vendor: 'sensu', cors: [page, other] });
    expect(sandbox.control.state().cors).toEqual([page, other]);
    const allowed = await sandbox.fetch('/version', { headers: { origin: other } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(other);
    expect(allowed.headers.get('vary')).toBe('Origin');
    const refused = await sandbox.fetch('/version', { headers: { origin: 'http://evil.test' } });
    expect(refused.status).toBe(200);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-expose-headers')).toBeNull();
    expect(refused.headers.get('vary')).toBe('Origin');
    // A preflight from an origin not on the list gets what the vendor answers (gorilla/mux: 405).
    const refusedPreflight = await sandbox.fetch(
      '/version',
      preflight('GET', 'authorization', 'http://evil.test'),
    );
    expect(refusedPreflight.status).toBe(405);
    expect(refusedPreflight.headers.get('access-control-allow-origin')).toBeNull();
    const allowedPreflight = await sandbox.fetch('/version', preflight('GET', 'authorization'));
    expect(allowedPreflight.status).toBe(204);
    expect(allowedPreflight.headers.get('access-control-allow-origin')).toBe(page);
    expect(allowedPreflight.headers.get('vary')).toContain('Origin');
  });

  it('takes one origin as a string, and refuses what is not an origin', () => {
    expect(createSandbox({ vendor: 'cloudcx', cors: page }).control.state().cors).toEqual([page]);
    expect(createSandbox({ vendor: 'cloudcx', cors: '*' }).control.state().cors).toBe('*');
    expect(createSandbox({ vendor: 'cloudcx', cors: false }).control.state().cors).toBe(false);
    expect(() => createSandbox({ vendor: 'cloudcx', cors: `${page}/` })).toThrow(
      'cors: "http://localhost:5173/" is not an origin',
    );
    expect(() => createSandbox({ vendor: 'cloudcx', cors: ['localhost:5173'] })).toThrow(
      RangeError,
    );
  });

  it('adds the headers to 401s, 404s, faults and control routes over TCP', async () => {
    const sandbox = await startSandbox({ vendor: 'cloudcx', port: 0, cors: [page] });
    try {
      const headers = { origin: page };
      // Spring's 401 goes out with no body and no Content-Type (written by start-sandbox).
      const unauthorized = await fetch(`${sandbox.url}/openapi/v2/user/page`, {
        headers: { ...headers, authorization: 'Bearer nope' },
      });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('content-type')).toBeNull();
      expect(unauthorized.headers.get('access-control-allow-origin')).toBe(page);
      expect(exposedHeaders(unauthorized)).toContain('www-authenticate');
      const missing = await fetch(`${sandbox.url}/nowhere`, { headers });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('access-control-allow-origin')).toBe(page);
      sandbox.control.injectFault({ kind: 'html-error', status: 502, count: 1 });
      const html = await fetch(`${sandbox.url}/oauth/token`, { method: 'POST', headers });
      expect(html.status).toBe(502);
      expect(html.headers.get('access-control-allow-origin')).toBe(page);
      const state = await fetch(`${sandbox.url}/__sandbox`, { headers });
      expect(state.headers.get('access-control-allow-origin')).toBe(page);
      const controlPreflight = await fetch(`${sandbox.url}/__sandbox/faults`, {
        ...preflight('POST', 'content-type'),
      });
      expect(controlPreflight.status).toBe(204);
    } finally {
      await sandbox.close();
    }
  });

  it('is switched on, narrowed and off at run time through PUT /__sandbox/cors', async () => {
    const sandbox = await startSandbox({ vendor: 'cloudlx', port: 0, clock: createManualClock() });
    try {
      const allowOrigin = async () =>
        (await fetch(`${sandbox.url}/api/services`, { headers: { origin: page } })).headers.get(
          'access-control-allow-origin',
        );
      expect(await controlJson(sandbox, '/')).toMatchObject({ cors: false });
      expect(await allowOrigin()).toBeNull();
      expect(await controlJson(sandbox, '/cors', 'PUT', { origins: '*' })).toEqual({ cors: '*' });
      expect(await allowOrigin()).toBe('*');
      expect(await controlJson(sandbox, '/cors', 'PUT', { origins: [page] })).toEqual({
        cors: [page],
      });
      expect(await allowOrigin()).toBe(page);
      expect(await controlJson(sandbox, '/')).toMatchObject({ cors: [page] });
      expect(sandbox.control.setCors(true)).toBe('*');
      expect(await controlJson(sandbox, '/cors', 'PUT', { origins: false })).toEqual({
        cors: false,
      });
      expect(await allowOrigin()).toBeNull();

      const bad = await controlApi(sandbox, '/cors', 'PUT', { origins: ['http://a.test/path'] });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({
        error: expect.stringContaining('"origins": "http://a.test/path" is not an origin'),
      });
      const none = await controlApi(sandbox, '/cors', 'PUT', {});
      expect(none.status).toBe(400);
      expect(await none.json()).toEqual({ error: expect.stringContaining('{"origins": "*"}') });
      // reset() forgets tokens, not settings.
      sandbox.control.setCors([page]);
      sandbox.control.reset();
      expect(sandbox.control.state().cors).toEqual([page]);
    } finally {
      await sandbox.close();
    }
  });

  it('keeps serving normal calls with CORS on (a cold grant, then a resource)', async () => {
    const sandbox = createSandbox({ vendor: 'cloudlx', cors: true });
    const { clientId, clientSecret } = sandbox.credentials;
    const token = await cloudlxGrant(sandbox.fetch, sandbox.url, clientId, clientSecret);
    const res = await sandbox.fetch('/api/services', {
      headers: {
        origin: page,
        accept: cloudlxAccept,
        authorization: `Bearer ${token.access_token}`,
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    // Sensu's Basic login too.
    const sensu = createSandbox({ vendor: 'sensu', cors: true });
    const login = await sensu.fetch('/auth', {
      headers: { origin: page, authorization: basic('sandbox-admin', 'sandbox-password') },
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('--cors', () => {
  const corsOf = (args: string[]) => {
    const plan = parseCli(args);
    if (plan === 'help') throw new Error('unexpected help');
    return plan.sandboxes.map((s) => s.cors);
  };

  it.each([
    [['--cors'], '*'],
    [['--cors', '--vendor', 'sensu'], '*'],
    [['--cors=*'], '*'],
    [[`--cors=${page}`], [page]],
    [['--cors', page], [page]],
    [[`--cors=${page},https://app.example.com`], [page, 'https://app.example.com']],
  ])('takes %j', (args, cors) => {
    for (const value of corsOf(args)) expect(value).toEqual(cors);
  });

  it('is off without the flag', () => {
    expect(corsOf([])).toEqual([undefined, undefined, undefined]);
  });

  it.each([
    [['--cors=localhost:5173'], '--cors: "localhost:5173" is not an origin'],
    [['--cors=,'], '--cors takes origins such as'],
  ])('explains a bad value %j', (args, message) => {
    expect(() => parseCli(args)).toThrow(message);
  });

  it('is named in the banner', () => {
    const text = banner(
      [
        {
          vendor: 'sensu',
          url: 'http://127.0.0.1:4022',
          credentials: { ...defaultCredentials.sensu },
          lifetimes: { accessTokenTtlSeconds: 300, refreshTokenTtlSeconds: 360 },
          cors: [page],
        },
      ],
      new Set(),
    );
    expect(text).toMatch(/CORS \(browsers\)\s+http:\/\/localhost:5173/);
  });
});
