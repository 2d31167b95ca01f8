import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { createTokenAuth } from './auth';
import { keyOption, splitClientOptions } from './client-options';
import {
  AuthError,
  InvalidOptionsError,
  InvalidTokenResponseError,
  TokenEndpointError,
} from './errors';
import type { GrantStrategy } from './grant';
import type { AuthHooks, AuthLogger } from './observability';
import { rawResponse } from './raw-response';
import { APP_KEY, FakeAssertionVendor, VENDOR_API } from './test-support/fake-assertion-vendor';
import { FakeClock } from './test-support/fake-oauth-server';
import { TokenManager } from './token-manager';
import { expiresAtFromIsoTimestamp } from './token-set';

/** A logger and hooks that keep every line and event, to search them for secrets. */
function recorder() {
  const lines: string[] = [];
  const events: unknown[] = [];
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger: AuthLogger = {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
  };
  const hooks: AuthHooks = {
    onTokenAcquired: (event) => events.push(event),
    onTokenRefreshed: (event) => events.push(event),
    onAuthError: (event) => events.push(event),
    onRetry: (event) => events.push(event),
  };
  return { lines, events, logger, hooks };
}

function setup(strategyOptions: Parameters<FakeAssertionVendor['strategy']>[0] = {}) {
  const clock = new FakeClock();
  const vendor = new FakeAssertionVendor(clock);
  const record = recorder();
  const auth = createTokenAuth({
    strategy: vendor.strategy(strategyOptions),
    clock: clock.read,
    retry: false,
    logger: record.logger,
    hooks: record.hooks,
  });
  const fetch = auth.wrapFetch(vendor.fetch);
  return { clock, vendor, auth, fetch, ...record };
}

describe('expiresAtFromIsoTimestamp', () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5);

  it('reads an ISO 8601 date-time with Z or an offset into epoch ms', () => {
    expect(expiresAtFromIsoTimestamp('2026-01-02T03:04:05Z', 'expires_at')).toBe(at);
    expect(expiresAtFromIsoTimestamp('2026-01-02T04:04:05+01:00', 'expires_at')).toBe(at);
    expect(expiresAtFromIsoTimestamp('2026-01-02T03:04:05.250Z', 'expires_at')).toBe(at + 250);
  });

  it("moves the server's instant onto the local clock through the Date header", () => {
    const response = new Response(null, {
      headers: { Date: new Date(at - 3_600_000).toUTCString() },
    });
    const now = Date.UTC(2030, 5, 1);
    expect(expiresAtFromIsoTimestamp('2026-01-02T03:04:05Z', 'expires_at', { response, now })).toBe(
      now + 3_600_000,
    );
  });

  it.each([
    ['a number', 1767323045],
    ['missing', undefined],
    ['null', null],
    ['no time zone', '2026-01-02T03:04:05'],
    ['a date only', '2026-01-02'],
    ['not a date', 'tomorrow'],
    ['an impossible date', '2026-13-45T03:04:05Z'],
  ])('throws InvalidTokenResponseError(field) for %s', (_what, value) => {
    let thrown: unknown;
    try {
      expiresAtFromIsoTimestamp(value, 'expires_at');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidTokenResponseError);
    expect(thrown).toMatchObject({ field: 'expires_at', code: 'INVALID_TOKEN_RESPONSE' });
  });

  it('says when the time zone is what is missing', () => {
    expect(() => expiresAtFromIsoTimestamp('2026-01-02T03:04:05', 'expires_at')).toThrow(
      /without a time zone/,
    );
  });

  it('renews a token that has an ISO expiry once it is due', async () => {
    const { clock, vendor, fetch } = setup();
    expect((await fetch(new Request(`${VENDOR_API}/repos`))).status).toBe(200);
    clock.advance(3_600_000);
    expect((await fetch(new Request(`${VENDOR_API}/repos`))).status).toBe(200);
    expect(vendor.issued).toHaveLength(2);
  });

  it('keeps a token with no expiry for a simulated year; defaultLifetimeMs renews it', async () => {
    const clock = new FakeClock();
    const vendor = new FakeAssertionVendor(clock);
    vendor.lifetimeMs = undefined;
    const forever = new TokenManager(vendor.strategy(), { clock: clock.read });
    const first = await forever.getTokens();
    clock.advance(365 * 24 * 3_600_000);
    expect((await forever.getTokens()).accessToken).toBe(first.accessToken);
    expect(vendor.issued).toHaveLength(1);

    const hourly = new TokenManager(vendor.strategy(), {
      clock: clock.read,
      defaultLifetimeMs: 3_600_000,
    });
    await hourly.getTokens();
    clock.advance(3_600_000);
    await hourly.getTokens();
    expect(vendor.issued).toHaveLength(3);
  });
});

describe('GrantContext.secret', () => {
  it('masks an echoed assertion in the error, its JSON, log lines and hook events', async () => {
    const { vendor, fetch, lines, events } = setup();
    vendor.refuseAssertions = true;
    const thrown = await fetch(new Request(`${VENDOR_API}/repos`)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(TokenEndpointError);
    const error = thrown as TokenEndpointError;
    expect(error.status).toBe(401);
    const assertion = vendor.assertions[0] ?? '';
    expect(assertion).toContain('assertion-1');
    const everything = [
      error.message,
      JSON.stringify(error.body),
      JSON.stringify(error),
      JSON.stringify(error.errorDescription ?? ''),
      ...lines,
      JSON.stringify(events),
    ].join('\n');
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(assertion);
    expect(everything).not.toContain('assertion-1');
    expect(everything).not.toContain(APP_KEY);
  });

  it('keeps the most recent 32 registered secrets', async () => {
    const clock = new FakeClock();
    const vendor = new FakeAssertionVendor(clock);
    const manager = new TokenManager(vendor.strategy(), { clock: clock.read });
    for (let i = 0; i < 40; i++) await manager.refresh();
    const masked = manager.redact(vendor.assertions.join('\n'));
    const kept = masked.split('\n').filter((line) => line === '[redacted]');
    expect(kept).toHaveLength(32);
    expect(
      masked
        .split('\n')
        .slice(8)
        .every((line) => line === '[redacted]'),
    ).toBe(true);
    expect(masked.split('\n')[0]).toBe(vendor.assertions[0]);
  });
});

describe('a token request that could not be built', () => {
  it('a bad private key (DataError) is TOKEN_REQUEST_BUILD_FAILED, cause kept, not retried', async () => {
    const clock = new FakeClock();
    const vendor = new FakeAssertionVendor(clock);
    const sign = async () => {
      await crypto.subtle.importKey(
        'pkcs8',
        new TextEncoder().encode(APP_KEY),
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      return 'never';
    };
    const manager = new TokenManager(vendor.strategy({ sign }), { clock: clock.read });
    const error = await manager.getTokens().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TokenRequestError', code: 'TOKEN_REQUEST_BUILD_FAILED' });
    const { message, cause } = error as Error;
    expect(message).toMatch(/could not be built/);
    expect(message).toMatch(/acquire\.request/);
    expect(message).not.toMatch(/check the URL and network/);
    expect(message).not.toContain(APP_KEY);
    expect((cause as Error).name).toBe('DataError');
    expect(vendor.issued).toHaveLength(0);
  });

  it('a step that rejects before sending is BUILD_FAILED; a fetch that fails on the way is not', async () => {
    const clock = new FakeClock();
    const vendor = new FakeAssertionVendor(clock);
    const failing = (fail: 'before' | 'on the way'): GrantStrategy => ({
      ...vendor.strategy(),
      acquire: {
        request: (_input, { signal }) =>
          rawResponse(
            async () => {
              throw new Error('socket hang up');
            },
            signal,
            async (init) => {
              if (fail === 'before') throw new Error('signing failed');
              return init.fetch(new Request(`${VENDOR_API}/token`), {});
            },
          ),
        process: async () => ({ accessToken: 'x' }),
      },
    });
    const options = { clock: clock.read, retry: false as const };
    const before = await new TokenManager(failing('before'), options)
      .getTokens()
      .catch((caught: unknown) => caught);
    expect(before).toMatchObject({ code: 'TOKEN_REQUEST_BUILD_FAILED' });
    const onTheWay = await new TokenManager(failing('on the way'), options)
      .getTokens()
      .catch((caught: unknown) => caught);
    expect(onTheWay).toMatchObject({ code: 'TOKEN_REQUEST_FAILED' });
    expect((onTheWay as Error).message).toMatch(/check the URL and network/);
  });

  it('an AuthError thrown inside a step passes through unchanged', async () => {
    const clock = new FakeClock();
    const vendor = new FakeAssertionVendor(clock);
    const own = new InvalidOptionsError('privateKey', 'privateKey is not a PEM key.');
    const manager = new TokenManager(
      {
        ...vendor.strategy(),
        acquire: {
          request: async () => {
            throw own;
          },
          process: async () => ({ accessToken: 'x' }),
        },
      },
      { clock: clock.read },
    );
    await expect(manager.getTokens()).rejects.toBe(own);
  });
});

describe('a brand-new token refused by the API', () => {
  it('warns once, naming the authorization scheme and authorize', async () => {
    const { vendor, fetch, lines } = setup({ authorize: false });
    expect((await fetch(new Request(`${VENDOR_API}/repos`))).status).toBe(401);
    expect((await fetch(new Request(`${VENDOR_API}/repos`))).status).toBe(401);
    expect(vendor.apiAuthorizations[0]).toMatch(/^Bearer /);
    const warnings = lines.filter((line) => line.includes('issued moments earlier'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warn /);
    expect(warnings[0]).toMatch(/authorization scheme/);
    expect(warnings[0]).toMatch(/authorize\(headers, tokens\)/);
    for (const token of vendor.issued) expect(lines.join('\n')).not.toContain(token);
  });

  it('stays quiet when the scheme is right and a later token is revoked', async () => {
    const { vendor, fetch, lines } = setup();
    expect((await fetch(new Request(`${VENDOR_API}/repos`))).status).toBe(200);
    vendor.issued.length = 0; // every token issued so far is now refused
    vendor.issued.push('ghs_unrelated');
    await fetch(new Request(`${VENDOR_API}/repos`));
    expect(lines.some((line) => line.includes('issued moments earlier'))).toBe(false);
  });
});

describe('redaction of what authorize sets', () => {
  it('masks the header value a custom authorize derives from the token', async () => {
    const clock = new FakeClock();
    const vendor = new FakeAssertionVendor(clock);
    const manager = new TokenManager(
      {
        ...vendor.strategy(),
        authorize: (headers, tokens) =>
          headers.set('X-Signature', `sig-${[...tokens.accessToken].reverse().join('')}`),
      },
      { clock: clock.read },
    );
    const { accessToken } = await manager.getTokens();
    const signature = `sig-${[...accessToken].reverse().join('')}`;
    expect(manager.redact(`X-Signature: ${signature}`)).toBe('X-Signature: [redacted]');
  });
});

describe('splitClientOptions', () => {
  it('puts the credential keys only into credentials, never into the client options', async () => {
    const options = {
      clientId: 'id-1',
      clientSecret: 'very-secret-value',
      privateKey: 'pem-key-value',
      refreshSkewMs: 5_000,
      headers: { 'X-Trace': '1' },
    };
    const { credentials, client, manager } = splitClientOptions(options, [
      'clientId',
      'clientSecret',
      'privateKey',
    ]);
    expect(credentials).toEqual({
      clientId: 'id-1',
      clientSecret: 'very-secret-value',
      privateKey: 'pem-key-value',
    });
    expect(client).toEqual({ headers: { 'X-Trace': '1' } });
    expect(manager).toEqual({ refreshSkewMs: 5_000 });
    // And nothing of them reaches a request openapi-fetch sends with those options.
    const seen: Request[] = [];
    const api = createClient<Record<string, never>>({
      ...client,
      baseUrl: VENDOR_API,
      fetch: async (request: Request) => {
        seen.push(request);
        return Response.json({});
      },
    });
    await (api as unknown as { GET(path: string): Promise<unknown> }).GET('/x');
    const sent = JSON.stringify([...(seen[0]?.headers ?? [])]) + (seen[0]?.url ?? '');
    expect(sent).toContain('X-Trace'.toLowerCase());
    expect(sent).not.toContain('very-secret-value');
    expect(sent).not.toContain('pem-key-value');
  });
});

describe('keyOption', () => {
  const body = btoa('a private key, base64 encoded, long enough to wrap over lines!!');
  const pem = (label: string, end = label, text = body) =>
    `-----BEGIN ${label}-----\n${text.slice(0, 32)}\n${text.slice(32)}\n-----END ${end}-----\n`;

  it('accepts PEM keys with line breaks (LF and CRLF)', () => {
    expect(keyOption(pem('PRIVATE KEY'), 'privateKey')).toBe(pem('PRIVATE KEY').trim());
    expect(keyOption(pem('RSA PRIVATE KEY').replace(/\n/g, '\r\n'), 'privateKey')).toMatch(
      /^-----BEGIN RSA PRIVATE KEY-----/,
    );
    expect(keyOption(pem('EC PRIVATE KEY'), 'privateKey')).toContain(body.slice(0, 32));
  });

  it.each([
    ['missing', undefined, /is missing/],
    ['empty', '  ', /empty/],
    ['not PEM', 'secret-not-a-pem-value', /not a PEM key/],
    ['a certificate', pem('CERTIFICATE'), /not a PEM key/],
    ['mismatched labels', pem('RSA PRIVATE KEY', 'PRIVATE KEY'), /different labels/],
    [
      'a body that is not base64',
      pem('PRIVATE KEY', 'PRIVATE KEY', 'not*base64!secret-body'),
      /not a PEM key|not base64/,
    ],
    ['a bad base64 length', pem('PRIVATE KEY', 'PRIVATE KEY', 'QUJDRA=secretbodyx'), /not base64/],
  ])('refuses %s, without quoting the value', (_what, value, message) => {
    let thrown: unknown;
    try {
      keyOption(value, 'privateKey');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionsError);
    expect(thrown).toMatchObject({ option: 'privateKey' });
    expect((thrown as Error).message).toMatch(message);
    for (const secret of ['secret', body.slice(0, 12)]) {
      expect((thrown as Error).message).not.toContain(secret);
    }
  });
});

describe('rawResponse', () => {
  it('says how to spread init when the call did not send through its fetch', async () => {
    const error = await rawResponse(globalThis.fetch, undefined, async () => ({})).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      'rawResponse: the call did not send through the fetch in init; spread init into the openapi-fetch call: client.POST(path, { ...init, body })',
    );
    expect(error).not.toBeInstanceOf(AuthError);
  });
});
