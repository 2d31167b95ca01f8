// The built `tokenwire` bin against the three sandboxes over HTTP: one Node process per run,
// the token cache and profiles in a temp dir, and every run's output scanned for secrets.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningSandbox, startSandbox } from '@tokenwire/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, type BinRun, runBin } from './test-support/run-bin';

type Vendor = 'cloudlx' | 'cloudcx' | 'sensu';
const sandboxes = {} as Record<Vendor, RunningSandbox>;
let home: string;
let runs: { args: readonly string[]; run: BinRun }[] = [];

beforeAll(async () => {
  assertBuilt();
  for (const vendor of ['cloudlx', 'cloudcx', 'sensu'] as const) {
    sandboxes[vendor] = await startSandbox({ vendor, port: 0 });
  }
});
afterAll(async () => {
  await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tokenwire-cli-'));
  runs = [];
  for (const sandbox of Object.values(sandboxes)) sandbox.control.reset();
});

/** Every secret and token the runs of this test may have seen. */
async function secretsToScan(): Promise<{ always: string[]; tokens: string[] }> {
  const always = Object.values(sandboxes).flatMap((sandbox) =>
    Object.entries(sandbox.credentials)
      .filter(([name]) => /secret|password|apiKey/i.test(name))
      .map(([, value]) => String(value)),
  );
  const tokens: string[] = [];
  const cache = join(home, 'cache');
  for (const name of await readdir(cache).catch(() => [])) {
    if (!name.endsWith('.json')) continue;
    const entry = JSON.parse(await readFile(join(cache, name), 'utf8'));
    tokens.push(entry.tokens.accessToken);
    if (entry.tokens.refreshToken) always.push(entry.tokens.refreshToken);
  }
  return { always, tokens };
}

afterEach(async () => {
  const { always, tokens } = await secretsToScan();
  for (const { args, run } of runs) {
    const printsToken = args[0] === 'token';
    for (const secret of always) {
      expect(run.stdout, `stdout of tokenwire ${args.join(' ')}`).not.toContain(secret);
      expect(run.stderr, `stderr of tokenwire ${args.join(' ')}`).not.toContain(secret);
    }
    for (const token of tokens) {
      if (!printsToken) expect(run.stdout, `stdout of ${args.join(' ')}`).not.toContain(token);
      expect(run.stderr, `stderr of ${args.join(' ')}`).not.toContain(token);
    }
  }
  await rm(home, { recursive: true, force: true });
});

function baseEnv(): Record<string, string> {
  return {
    HOME: home,
    TOKENWIRE_CACHE_DIR: join(home, 'cache'),
    TOKENWIRE_CONFIG_DIR: join(home, 'config'),
  };
}

/** The environment variables of `vendor`'s sandbox (the token grant's credentials). */
function vendorEnv(vendor: Vendor, only?: readonly string[]): Record<string, string> {
  const sandbox = sandboxes[vendor];
  const c = sandbox.credentials as Record<string, string>;
  const all: Record<string, string> =
    vendor === 'cloudlx'
      ? {
          CLOUDLX_BASE_URL: sandbox.url,
          CLOUDLX_CLIENT_ID: c.clientId ?? '',
          CLOUDLX_CLIENT_SECRET: c.clientSecret ?? '',
        }
      : vendor === 'cloudcx'
        ? {
            CLOUDCX_BASE_URL: sandbox.url,
            CLOUDCX_CLIENT_ID: c.clientId ?? '',
            CLOUDCX_CLIENT_SECRET: c.clientSecret ?? '',
            CLOUDCX_USERNAME: c.username ?? '',
            CLOUDCX_PASSWORD: c.password ?? '',
          }
        : {
            SENSU_BASE_URL: sandbox.url,
            SENSU_USERNAME: c.username ?? '',
            SENSU_PASSWORD: c.password ?? '',
          };
  return only
    ? Object.fromEntries(Object.entries(all).filter(([name]) => only.includes(name)))
    : all;
}

async function tw(args: readonly string[], env: Record<string, string> = {}, input = '') {
  const run = await runBin(args, { ...baseEnv(), ...env }, input);
  runs.push({ args, run });
  return run;
}

const vendors: Vendor[] = ['cloudlx', 'cloudcx', 'sensu'];

describe.each(vendors)('tokenwire token %s', (vendor) => {
  it('prints the token alone; a second run takes it from the cache with 0 token calls', async () => {
    const first = await tw(['token', vendor], vendorEnv(vendor));
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^\S+\n$/);
    expect(sandboxes[vendor].control.counters()).toMatchObject({
      primaryGrants: 1,
      tokenRequests: 1,
    });

    const second = await tw(['token', vendor], vendorEnv(vendor));
    expect(second).toMatchObject({ code: 0, stdout: first.stdout });
    expect(sandboxes[vendor].control.counters().tokenRequests).toBe(1);

    const json = await tw(['token', vendor, '--json'], vendorEnv(vendor));
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toEqual({
      access_token: first.stdout.trim(),
      expires_at: expect.any(Number),
      token_type: expect.any(String),
    });
    expect(parsed.expires_at * 1000).toBeGreaterThan(Date.now());
    expect(sandboxes[vendor].control.counters().tokenRequests).toBe(1);

    const cache = join(home, 'cache');
    if (process.platform !== 'win32') {
      expect((await stat(cache)).mode & 0o777).toBe(0o700);
      for (const name of await readdir(cache)) {
        expect((await stat(join(cache, name))).mode & 0o777).toBe(0o600);
      }
    }
  });

  it('--refresh renews the token', async () => {
    const first = await tw(['token', vendor], vendorEnv(vendor));
    const refreshed = await tw(['token', vendor, '--refresh'], vendorEnv(vendor));
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).not.toBe(first.stdout);
    expect(sandboxes[vendor].control.counters().tokenRequests).toBe(2);
  });

  it('exits 2 naming the flags and variables when credentials are missing', async () => {
    const run = await tw(['token', vendor]);
    expect(run.code).toBe(2);
    const names = Object.keys(vendorEnv(vendor));
    for (const name of names) expect(run.stderr).toContain(name);
    expect(run.stderr).toMatch(/--(client-secret|password)-stdin/);
    expect(run.stderr).not.toContain('    at ');
  });

  it('exits 1 with the vendor error when the credentials are refused', async () => {
    const env = vendorEnv(vendor);
    const secretName =
      vendor === 'cloudlx' ? 'CLOUDLX_CLIENT_SECRET' : `${vendor.toUpperCase()}_PASSWORD`;
    env[secretName] = 'wrong-secret-value';
    const run = await tw(['token', vendor], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[CREDENTIALS_REJECTED]');
    expect(run.stderr).not.toContain('wrong-secret-value');
    expect(run.stderr).not.toContain('    at ');
    expect(run.stdout).toBe('');
  });

  it('exits 1 with the error code on a network failure; a stack trace only with --debug', async () => {
    const env = {
      ...vendorEnv(vendor),
      [`${vendor.toUpperCase()}_BASE_URL`]: 'http://127.0.0.1:1',
    };
    const run = await tw(['token', vendor], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[TOKEN_REQUEST_FAILED]');
    expect(run.stderr).not.toContain('    at ');
    const debug = await tw(['token', vendor, '--debug'], env);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain('    at ');
  });
});

describe('tokenwire call', () => {
  it('CloudLX: prints the JSON answer; --include shows the headers with Authorization redacted', async () => {
    const run = await tw(
      ['call', 'cloudlx', 'GET', '/api/services', '--include'],
      vendorEnv('cloudlx'),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('> GET /api/services');
    expect(run.stdout).toMatch(/^> authorization: Bearer \[redacted\]$/m);
    expect(run.stdout).toMatch(/^< HTTP 200/m);
    const body = run.stdout.slice(run.stdout.lastIndexOf('\n\n') + 2);
    expect(JSON.parse(body).services.length).toBeGreaterThan(0);
  });

  it('CloudCX --paginate follows the pages and prints one array', async () => {
    const one = await tw(['call', 'cloudcx', 'GET', '/openapi/v2/user/page'], vendorEnv('cloudcx'));
    expect(one.code).toBe(0);
    const total = JSON.parse(one.stdout).data.totalElements;
    expect(total).toBeGreaterThan(2);
    const paged = await tw(
      ['call', 'cloudcx', 'GET', '/openapi/v2/user/page', '-q', 'pageSize=2', '--paginate'],
      vendorEnv('cloudcx'),
    );
    expect(paged.code).toBe(0);
    const users = JSON.parse(paged.stdout);
    expect(users).toHaveLength(total);
    expect(new Set(users.map((user: { id: string }) => user.id)).size).toBe(total);
    expect(sandboxes.cloudcx.control.counters().tokenRequests).toBe(1);
  });

  it('Sensu --paginate follows the continue tokens and prints one array', async () => {
    const path = '/api/core/v2/namespaces/default/entities';
    const all = await tw(['call', 'sensu', 'GET', path], vendorEnv('sensu'));
    expect(all.code).toBe(0);
    const total = JSON.parse(all.stdout).length;
    expect(total).toBeGreaterThan(2);
    const paged = await tw(
      ['call', 'sensu', 'get', path, '-q', 'limit=2', '--paginate', '-i'],
      vendorEnv('sensu'),
    );
    expect(paged.code).toBe(0);
    expect(paged.stdout).toMatch(/^< sensu-continue: /m);
    expect(paged.stdout).toMatch(/^> authorization: Bearer \[redacted\]$/m);
    const entities = JSON.parse(paged.stdout.slice(paged.stdout.lastIndexOf('\n\n') + 2));
    expect(entities).toHaveLength(total);
  });

  it('refuses a path the spec lacks (exit 2), listing the nearest operations', async () => {
    const run = await tw(['call', 'sensu', 'GET', '/api/core/v2/namespace'], vendorEnv('sensu'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no operation at /api/core/v2/namespace');
    expect(run.stderr).toContain('GET /api/core/v2/namespaces');
    const wrongMethod = await tw(
      ['call', 'cloudlx', 'DELETE', '/api/services'],
      vendorEnv('cloudlx'),
    );
    expect(wrongMethod.code).toBe(2);
    expect(wrongMethod.stderr).toContain('GET /api/services');
    expect(sandboxes.sensu.control.counters().tokenRequests).toBe(0);
  });

  it('sends an API key (Sensu Key, CloudCX Bearer) and never calls a token endpoint', async () => {
    const sensuKey = (sandboxes.sensu.credentials as { apiKey: string }).apiKey;
    const sensu = await tw(
      ['call', 'sensu', 'GET', '/api/core/v2/namespaces', '--api-key-stdin', '-i'],
      {
        SENSU_BASE_URL: sandboxes.sensu.url,
      },
      `${sensuKey}\n`,
    );
    expect(sensu.code).toBe(0);
    expect(sensu.stdout).toMatch(/^> authorization: Key \[redacted\]$/m);
    const cxKey = (sandboxes.cloudcx.credentials as { apiKey: string }).apiKey;
    const cloudcx = await tw(['call', 'cloudcx', 'GET', '/openapi/v2/user/page'], {
      CLOUDCX_BASE_URL: sandboxes.cloudcx.url,
      CLOUDCX_API_KEY: cxKey,
    });
    expect(cloudcx.code).toBe(0);
    expect(JSON.parse(cloudcx.stdout).code).toBe('0000');
    const token = await tw(['token', 'sensu'], {
      SENSU_BASE_URL: sandboxes.sensu.url,
      SENSU_API_KEY: sensuKey,
    });
    expect(token.code).toBe(2);
    expect(token.stderr).toContain('API key');
    expect(sandboxes.sensu.control.counters().tokenRequests).toBe(0);
    expect(sandboxes.cloudcx.control.counters().tokenRequests).toBe(0);
  });

  it('exits 1 when the API refuses the call, printing its answer', async () => {
    const run = await tw(['call', 'cloudcx', 'GET', '/openapi/v2/user/page'], {
      CLOUDCX_BASE_URL: sandboxes.cloudcx.url,
      CLOUDCX_API_KEY: 'not-the-key',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 401');
  });

  it('exits 2 on a bad command line', async () => {
    expect((await tw(['frobnicate'])).code).toBe(2);
    expect((await tw(['call', 'cloudlx'], vendorEnv('cloudlx'))).code).toBe(2);
    expect((await tw(['token', 'nope'])).code).toBe(2);
    expect((await tw(['token', 'sensu', '--no-such-flag'])).code).toBe(2);
    expect(
      (await tw(['call', 'cloudlx', 'GET', '/api/services', '--paginate'], vendorEnv('cloudlx')))
        .code,
    ).toBe(2);
    const help = await tw(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['token', 'call', 'login', 'logout', 'sandbox', 'mock', 'docs']) {
      expect(help.stdout).toContain(`  ${command} `);
    }
  });

  it('runs the same through the bin that installs link (bin/tokenwire.js)', async () => {
    const bin = fileURLToPath(new URL('../bin/tokenwire.js', import.meta.url));
    const [direct, linked] = await Promise.all([
      runBin(['--help'], {}),
      runBin(['--help'], {}, '', bin),
    ]);
    expect(linked).toEqual(direct);
    expect((await runBin(['frobnicate'], {}, '', bin)).code).toBe(2);
  });
});

describe('secrets on the command line', () => {
  it('a secret given as a plain argument works but warns, and is never echoed', async () => {
    const secret = (sandboxes.cloudlx.credentials as { clientSecret: string }).clientSecret;
    const run = await tw(
      ['token', 'cloudlx', '--client-secret', secret],
      vendorEnv('cloudlx', ['CLOUDLX_BASE_URL', 'CLOUDLX_CLIENT_ID']),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: --client-secret puts the client secret in your shell history',
    );
    expect(run.stderr).toContain('--client-secret-stdin');
  });

  it('--client-secret-stdin reads the secret from stdin without a warning', async () => {
    const secret = (sandboxes.cloudlx.credentials as { clientSecret: string }).clientSecret;
    const run = await tw(
      ['token', 'cloudlx', '--client-secret-stdin'],
      vendorEnv('cloudlx', ['CLOUDLX_BASE_URL', 'CLOUDLX_CLIENT_ID']),
      `${secret}\n`,
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('tokenwire login / logout', () => {
  it.each(vendors)(
    '%s: login stores the credentials in a 0600 profile; logout forgets them and the tokens',
    async (vendor) => {
      const env = vendorEnv(vendor);
      const login = await tw(['login', vendor, '--profile', 'work'], env);
      expect(login.code).toBe(0);
      expect(login.stderr).toContain('Logged in');
      const profiles = join(home, 'config', 'profiles.json');
      if (process.platform !== 'win32') expect((await stat(profiles)).mode & 0o777).toBe(0o600);

      // Later runs need no variables: the profile has the credentials, the cache the token.
      const token = await tw(['token', vendor, '--profile', 'work']);
      expect(token.code).toBe(0);
      expect(sandboxes[vendor].control.counters().tokenRequests).toBe(1);
      expect((await tw(['token', vendor])).code).toBe(2); // another profile

      const logout = await tw(['logout', vendor, '--profile', 'work']);
      expect(logout.code).toBe(0);
      expect(logout.stderr).toContain('Logged out');
      expect((await readdir(join(home, 'cache'))).filter((name) => name.endsWith('.json'))).toEqual(
        [],
      );
      expect(JSON.parse(await readFile(profiles, 'utf8')).profiles.work[vendor]).toBeUndefined();
      if (vendor === 'sensu') expect(sandboxes.sensu.control.state().tokens.sessions).toBe(0);
      expect((await tw(['token', vendor, '--profile', 'work'])).code).toBe(2);
    },
  );

  it('a profile lends its password only to its own user', async () => {
    expect((await tw(['login', 'sensu'], vendorEnv('sensu'))).code).toBe(0);
    const other = await tw(['token', 'sensu'], { SENSU_USERNAME: 'someone-else' });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('Missing Sensu Go credentials: password');
    const same = await tw(['token', 'sensu'], vendorEnv('sensu', ['SENSU_USERNAME']));
    expect(same.code).toBe(0);
  });

  it('login with a refused password exits 1 and stores nothing', async () => {
    const run = await tw(
      ['login', 'sensu', '--password-stdin'],
      vendorEnv('sensu', ['SENSU_BASE_URL', 'SENSU_USERNAME']),
      'wrong-password\n',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[CREDENTIALS_REJECTED]');
    expect(run.stderr).not.toContain('wrong-password');
    await expect(stat(join(home, 'config', 'profiles.json'))).rejects.toThrow();
  });
});

describe('a cached token the API refuses', () => {
  it.each(vendors)(
    '%s: the next call gets the 401, renews once, replays, and caches the new token',
    async (vendor) => {
      const env = vendorEnv(vendor);
      const path = {
        cloudlx: '/api/services',
        cloudcx: '/openapi/v2/user/page',
        sensu: '/api/core/v2/namespaces',
      }[vendor];
      const first = await tw(['token', vendor], env);
      sandboxes[vendor].control.revokeAccessTokens();
      const call = await tw(['call', vendor, 'GET', path], env);
      expect(call.code).toBe(0);
      expect(sandboxes[vendor].control.counters()).toMatchObject({
        unauthorized: 1,
        tokenRequests: 2,
      });
      const next = await tw(['token', vendor], env);
      expect(next.stdout).not.toBe(first.stdout);
      expect(sandboxes[vendor].control.counters().tokenRequests).toBe(2);
    },
  );
});

describe('concurrent runs', () => {
  it('5 parallel tokenwire token sensu runs make 1 login and never reuse a refresh token', async () => {
    const env = vendorEnv('sensu');
    const results = await Promise.all(Array.from({ length: 5 }, () => tw(['token', 'sensu'], env)));
    for (const run of results) expect(run.code).toBe(0);
    expect(new Set(results.map((run) => run.stdout)).size).toBe(1);
    expect(sandboxes.sensu.control.counters()).toMatchObject({
      primaryGrants: 1,
      reuseDetections: 0,
    });
    // And 5 parallel forced refreshes: each rotates the refresh token once, none reuses one.
    const refreshed = await Promise.all(
      Array.from({ length: 5 }, () => tw(['token', 'sensu', '--refresh'], env)),
    );
    for (const run of refreshed) expect(run.code).toBe(0);
    expect(sandboxes.sensu.control.counters()).toMatchObject({
      primaryGrants: 1,
      refreshes: 5,
      reuseDetections: 0,
    });
  });
});
