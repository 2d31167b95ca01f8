import { describe, expect, it } from 'vitest';
import { createTokenAuth } from './auth';
import { InvalidOptionsError } from './errors';
import type { GrantStrategy } from './grant';
import type { AuthLogger } from './observability';
import {
  API_BASE,
  FakeClock,
  FakeOAuthServer,
  jsonResponse,
  oauthStrategy,
} from './test-support/fake-oauth-server';
import { TokenManager, type TokenManagerOptions } from './token-manager';
import { optionalLifetime, processOAuth2TokenResponse, requireString } from './token-response';
import { expiresAtFromEpochSeconds, type TokenSet } from './token-set';

const HOUR = 3_600_000;

function setup(
  options: {
    body?: Record<string, unknown>;
    manager?: Omit<TokenManagerOptions, 'clock' | 'logger'>;
    strategy?: (server: FakeOAuthServer) => GrantStrategy;
  } = {},
) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock });
  const warnings: string[] = [];
  const logger: AuthLogger = { warn: (message) => warnings.push(message) };
  const manager = new TokenManager(
    options.strategy?.(server) ?? oauthStrategy({ fetch: server.fetch }),
    { clock: clock.read, logger, retry: false, ...options.manager },
  );
  /** Every token answer from now on: a fresh token with `body`'s lifetime fields. */
  const answerWith = (body: Record<string, unknown>) => {
    const issue = () => {
      const issued = server.issue();
      const { expires_in: _ignored, ...rest } = issued;
      server.tokenOverrides.push(issue);
      return jsonResponse({ ...rest, ...body });
    };
    server.tokenOverrides.push(issue);
  };
  if (options.body) answerWith(options.body);
  return { clock, server, manager, warnings, answerWith };
}

describe('a token that arrives with no lifetime left (expires_in 0)', () => {
  it('is used until the API refuses it: 20 getTokens() over a day make one token call, and a warning is logged', async () => {
    const { server, manager, clock, warnings } = setup({ body: { expires_in: 0 } });
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      seen.add((await manager.getTokens()).accessToken);
      clock.advance(HOUR);
    }
    expect(server.tokenCalls).toHaveLength(1);
    expect(seen).toEqual(new Set(['access-1']));
    expect((await manager.getTokens()).expiresAt).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/no lifetime left.*until the API refuses it/);

    // The API refuses it (401): then, and only then, a new one.
    const renewed = await manager.tokensAfterRejection('access-1');
    expect(renewed.accessToken).not.toBe('access-1');
    expect(server.tokenCalls).toHaveLength(2);
  });

  it('through createTokenAuth: requests reuse it, a 401 renews it and replays once', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    server.tokenOverrides.push(() => jsonResponse({ ...server.issue(), expires_in: 0 }));
    const auth = createTokenAuth({
      strategy: oauthStrategy({ fetch: server.fetch }),
      clock: clock.read,
      retry: false,
    });
    const fetch = auth.wrapFetch(server.fetch);
    for (let i = 0; i < 20; i++) {
      expect((await fetch(new Request(`${API_BASE}/things`))).status).toBe(200);
      clock.advance(60_000);
    }
    expect(server.tokenCalls).toHaveLength(1);
    server.revokeAccessToken('access-1');
    expect((await fetch(new Request(`${API_BASE}/things`))).status).toBe(200);
    expect(server.tokenCalls).toHaveLength(2);
    expect(server.apiCalls.at(-1)?.token).toBe('access-2');
  });

  it('with defaultLifetimeMs, is refreshed once that lifetime is up', async () => {
    const { server, manager, clock, warnings } = setup({
      body: { expires_in: 0 },
      manager: { defaultLifetimeMs: 10 * 60_000, refreshSkewMs: 0 },
    });
    const first = await manager.getTokens();
    expect(first.expiresAt).toBe(clock.now + 10 * 60_000);
    clock.advance(10 * 60_000 - 1);
    expect((await manager.getTokens()).accessToken).toBe(first.accessToken);
    expect(server.tokenCalls).toHaveLength(1);
    clock.advance(1);
    const second = await manager.getTokens();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(server.tokenCalls.map((call) => call.grantType)).toEqual([
      'client_credentials',
      'refresh_token',
    ]);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
  });

  it('an expiry already past counts the same (unknown lifetime, or defaultLifetimeMs)', async () => {
    const { manager, clock } = setup({
      manager: { defaultLifetimeMs: 5_000 },
      strategy: () => ({
        ...oauthStrategy({ fetch: async () => new Response('{}') }),
        acquire: {
          request: async () => new Response('{}'),
          process: async (_response, _input, { now }) => ({
            accessToken: 'past',
            obtainedAt: now,
            expiresAt: now - 60_000,
          }),
        },
      }),
    });
    expect((await manager.getTokens()).expiresAt).toBe(clock.now + 5_000);
  });

  it('refuses a negative defaultLifetimeMs with an InvalidOptionsError naming it', () => {
    const strategy = oauthStrategy({ fetch: async () => new Response() });
    expect(() => new TokenManager(strategy, { defaultLifetimeMs: -1 })).toThrow(
      InvalidOptionsError,
    );
    expect(() => new TokenManager(strategy, { defaultLifetimeMs: -1 })).toThrow(
      expect.objectContaining({ option: 'defaultLifetimeMs' }),
    );
  });
});

describe('lifetimes as servers send them', () => {
  it('floors a tiny positive lifetime (0.1 s) to 1 s', async () => {
    const { server, manager, clock, warnings } = setup({ body: { expires_in: 0.1 } });
    const tokens = await manager.getTokens();
    expect(tokens.expiresAt).toBe(clock.now + 1_000);
    for (let i = 0; i < 10; i++) {
      await manager.getTokens();
      clock.advance(40);
    }
    expect(server.tokenCalls).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('leaves a lifetime above 1 s alone', async () => {
    const { manager, clock } = setup({ body: { expires_in: 1.5 } });
    expect((await manager.getTokens()).expiresAt).toBe(clock.now + 1_500);
  });

  it('reads a numeric string expires_in ("3600")', async () => {
    const { server, manager, clock, warnings } = setup({ body: { expires_in: '3600' } });
    const tokens = await manager.getTokens();
    expect(tokens.expiresAt).toBe(clock.now + HOUR);
    clock.advance(HOUR - 30_001);
    await manager.getTokens();
    expect(server.tokenCalls).toHaveLength(1);
    clock.advance(1);
    await manager.getTokens();
    expect(server.tokenCalls).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['null', { expires_in: null }],
    ['absent', {}],
  ])(
    '%s expires_in is an unknown lifetime, used until refused, without a warning',
    async (_label, body) => {
      const { server, manager, clock, warnings } = setup({ body });
      const tokens = await manager.getTokens();
      expect(tokens.expiresAt).toBeUndefined();
      expect('expiresAt' in tokens).toBe(false);
      clock.advance(30 * 24 * HOUR);
      await manager.getTokens();
      expect(server.tokenCalls).toHaveLength(1);
      expect(warnings).toEqual([]);
    },
  );

  it.each([
    ['negative', -5, /"expires_in" is -5, not a non-negative number/],
    ['a non-numeric string', 'soon', /"expires_in" is a string, not a non-negative number/],
    ['an object', { seconds: 5 }, /"expires_in" is an object/],
  ])(
    '%s expires_in is an unknown lifetime, with a logger warning',
    async (_label, value, warning) => {
      const { server, manager, clock, warnings } = setup({ body: { expires_in: value } });
      const tokens = await manager.getTokens();
      expect(tokens.expiresAt).toBeUndefined();
      clock.advance(30 * 24 * HOUR);
      await manager.getTokens();
      expect(server.tokenCalls).toHaveLength(1);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(warning);
      expect(warnings[0]).not.toContain('access-1');
    },
  );

  it('optionalLifetime itself: numbers and numeric strings, undefined otherwise (warning only for a bad value)', () => {
    const warned: string[] = [];
    const context = { warn: (message: string) => warned.push(message) };
    expect(optionalLifetime({ e: 60 }, 'e', context)).toBe(60);
    expect(optionalLifetime({ e: ' 60 ' }, 'e', context)).toBe(60);
    expect(optionalLifetime({ e: '0.5' }, 'e', context)).toBe(0.5);
    expect(optionalLifetime({ e: 0 }, 'e', context)).toBe(0);
    expect(optionalLifetime({}, 'e', context)).toBeUndefined();
    expect(optionalLifetime({ e: null }, 'e', context)).toBeUndefined();
    expect(warned).toEqual([]);
    expect(optionalLifetime({ e: '-60' }, 'e', context)).toBeUndefined();
    expect(optionalLifetime({ e: Number.NaN }, 'e', context)).toBeUndefined();
    expect(optionalLifetime({ e: true }, 'e', context)).toBeUndefined();
    expect(warned).toHaveLength(3);
  });
});

describe('absolute expiry (Sensu expires_at) against the server clock', () => {
  const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
  const MINUTE = 60_000;
  const withDate = (serverNow: number) =>
    new Response('{}', { headers: { date: new Date(serverNow).toUTCString() } });

  it.each([
    ['5 minutes behind', -5 * MINUTE],
    ['5 minutes ahead', 5 * MINUTE],
    ['in step', 0],
  ])('measures the lifetime against the Date header when the server is %s', (_label, offset) => {
    const serverNow = NOW + offset;
    const expiresAtSeconds = (serverNow + 2 * MINUTE) / 1000;
    expect(
      expiresAtFromEpochSeconds(expiresAtSeconds, { response: withDate(serverNow), now: NOW }),
    ).toBe(NOW + 2 * MINUTE);
  });

  it('trusts the local clock without a (usable) Date header, or without the response', () => {
    const expiresAtSeconds = NOW / 1000 + 600;
    expect(
      expiresAtFromEpochSeconds(expiresAtSeconds, { response: new Response('{}'), now: 0 }),
    ).toBe(NOW + 600_000);
    expect(
      expiresAtFromEpochSeconds(expiresAtSeconds, {
        response: new Response('{}', { headers: { date: 'not a date' } }),
        now: 0,
      }),
    ).toBe(NOW + 600_000);
    expect(expiresAtFromEpochSeconds(expiresAtSeconds)).toBe(NOW + 600_000);
  });

  it('refuses a negative or non-finite expiry', () => {
    expect(() => expiresAtFromEpochSeconds(-1)).toThrow(RangeError);
    expect(() => expiresAtFromEpochSeconds(Number.NaN)).toThrow(RangeError);
  });

  /** A Sensu-like strategy: `expires_at` in epoch seconds by the server's (skewed) clock. */
  function sensuLike(clock: FakeClock, offsetMs: number, lifetimeMs: number): GrantStrategy {
    let issued = 0;
    const answer = () => {
      const serverNow = clock.now + offsetMs;
      issued += 1;
      return new Response(
        JSON.stringify({
          access_token: `sensu-${issued}`,
          expires_at: Math.floor((serverNow + lifetimeMs) / 1000),
        }),
        {
          headers: { 'content-type': 'application/json', date: new Date(serverNow).toUTCString() },
        },
      );
    };
    return {
      ...oauthStrategy({ fetch: async () => answer() }),
      acquire: {
        request: async () => answer(),
        process: async (response, _input, { now }) => {
          const body = (await response.json()) as Record<string, unknown>;
          return {
            accessToken: requireString(body, 'access_token'),
            obtainedAt: now,
            expiresAt: expiresAtFromEpochSeconds(Number(body.expires_at), { response, now }),
          } satisfies TokenSet;
        },
      },
    };
  }

  it.each([
    ['5 minutes behind', -5 * MINUTE],
    ['5 minutes ahead', 5 * MINUTE],
  ])(
    'a TokenManager keeps a 2-minute token for 2 minutes when the server is %s',
    async (_label, offset) => {
      const clock = new FakeClock(NOW);
      const warnings: string[] = [];
      const manager = new TokenManager(sensuLike(clock, offset, 2 * MINUTE), {
        clock: clock.read,
        refreshSkewMs: 0,
        logger: { warn: (message) => warnings.push(message) },
      });
      const first = await manager.getTokens();
      expect(first.expiresAt).toBe(NOW + 2 * MINUTE);
      clock.advance(2 * MINUTE - 1);
      expect((await manager.getTokens()).accessToken).toBe('sensu-1');
      clock.advance(1);
      expect((await manager.getTokens()).accessToken).toBe('sensu-2');
      expect(warnings).toEqual([]);
    },
  );
});

describe('processOAuth2TokenResponse', () => {
  it('keeps obtainedAt, so the refresh skew is bounded by half the lifetime', async () => {
    const now = Date.UTC(2025, 0, 1);
    const tokens = await processOAuth2TokenResponse(
      jsonResponse({ access_token: 'a', token_type: 'Bearer', expires_in: '60' }),
      { now },
    );
    expect(tokens).toEqual({
      accessToken: 'a',
      tokenType: 'Bearer',
      obtainedAt: now,
      expiresAt: now + 60_000,
    });
  });
});
