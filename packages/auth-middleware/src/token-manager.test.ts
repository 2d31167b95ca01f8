import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from './errors';
import { FakeClock, FakeOAuthServer, oauthStrategy } from './test-support/fake-oauth-server';
import { TokenManager, type TokenManagerOptions } from './token-manager';
import { MemoryTokenStore } from './token-store';

function setup(options: { expiresIn?: number | null; manager?: TokenManagerOptions } = {}) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({
    clock,
    ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
  });
  const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
    clock: clock.read,
    ...options.manager,
  });
  return { clock, server, manager };
}

describe('lazy acquisition', () => {
  it('sends nothing until the first token is needed', async () => {
    const { server } = setup();
    await Promise.resolve();
    expect(server.tokenCalls).toHaveLength(0);
  });

  it('acquires on first use and reuses the stored token afterwards', async () => {
    const { server, manager } = setup();
    const first = await manager.getTokens();
    const second = await manager.getTokens();
    const third = await manager.getTokens();
    expect(server.acquireCalls).toBe(1);
    expect(server.refreshCalls).toBe(0);
    expect(second.accessToken).toBe(first.accessToken);
    expect(third.accessToken).toBe(first.accessToken);
    expect(first).toMatchObject({ tokenType: 'Bearer', refreshToken: 'refresh-1' });
  });

  it('reuses a token without an expiry forever', async () => {
    const { server, manager, clock } = setup({ expiresIn: null });
    await manager.getTokens();
    clock.advance(365 * 24 * 3600 * 1000);
    await manager.getTokens();
    expect(server.tokenCalls).toHaveLength(1);
  });
});

describe('proactive refresh', () => {
  it('refreshes 30 s before expiry by default, not earlier', async () => {
    const { server, manager, clock } = setup({ expiresIn: 3600 });
    const first = await manager.getTokens();
    clock.advance(3600_000 - 30_000 - 1);
    expect((await manager.getTokens()).accessToken).toBe(first.accessToken);
    expect(server.refreshCalls).toBe(0);
    clock.advance(1);
    const refreshed = await manager.getTokens();
    expect(server.refreshCalls).toBe(1);
    expect(server.tokenCalls[1]?.params.get('refresh_token')).toBe(first.refreshToken);
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(server.acquireCalls).toBe(1);
  });

  it('honours a configured skew', async () => {
    const { server, manager, clock } = setup({
      expiresIn: 3600,
      manager: { refreshSkewMs: 5_000 },
    });
    await manager.getTokens();
    clock.advance(3600_000 - 5_001);
    await manager.getTokens();
    expect(server.refreshCalls).toBe(0);
    clock.advance(1);
    await manager.getTokens();
    expect(server.refreshCalls).toBe(1);
  });

  it('clamps the skew to half the lifetime, so a 2-second token is not refreshed on every call', async () => {
    const { server, manager, clock } = setup({ expiresIn: 2 });
    const first = await manager.getTokens();
    for (let i = 0; i < 10; i++) {
      clock.advance(99);
      expect((await manager.getTokens()).accessToken).toBe(first.accessToken);
    }
    expect(server.tokenCalls).toHaveLength(1);
    clock.advance(1_000 - 990);
    await manager.getTokens();
    expect(server.refreshCalls).toBe(1);
  });

  it('uses the whole skew when the lifetime is unknown (no obtainedAt)', async () => {
    const clock = new FakeClock();
    const store = new MemoryTokenStore();
    const server = new FakeOAuthServer({ clock });
    const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
      clock: clock.read,
      store,
    });
    await store.set(await manager.key(), {
      accessToken: 'preloaded',
      refreshToken: 'unknown-refresh',
      expiresAt: clock.now + 20_000,
    });
    expect(manager.isFresh({ accessToken: 'x', expiresAt: clock.now + 30_001 })).toBe(true);
    expect(manager.isFresh({ accessToken: 'x', expiresAt: clock.now + 30_000 })).toBe(false);
    // 20 s left < 30 s skew: refreshed (refused: unknown refresh token) then re-acquired.
    const tokens = await manager.getTokens();
    expect(tokens.accessToken).toBe('access-1');
    expect(server.tokenCalls.map((call) => call.grantType)).toEqual([
      'refresh_token',
      'client_credentials',
    ]);
  });

  it('rejects a negative or non-finite skew or timeout with InvalidOptionsError', () => {
    const strategy = oauthStrategy({ fetch: async () => new Response() });
    expect(() => new TokenManager(strategy, { refreshSkewMs: -1 })).toThrow(InvalidOptionsError);
    expect(() => new TokenManager(strategy, { timeoutMs: Number.NaN })).toThrow(
      /timeoutMs must be a non-negative number/,
    );
  });
});

describe('forced refresh and invalidation', () => {
  it('refresh() uses the refresh token; invalidate() makes the next call acquire', async () => {
    const { server, manager } = setup();
    await manager.getTokens();
    const refreshed = await manager.refresh();
    expect(server.refreshCalls).toBe(1);
    expect((await manager.getTokens()).accessToken).toBe(refreshed.accessToken);
    await manager.invalidate();
    await manager.getTokens();
    expect(server.acquireCalls).toBe(2);
  });

  it('acquires when there is a refresh token but the strategy cannot refresh', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const manager = new TokenManager(oauthStrategy({ fetch: server.fetch, withRefresh: false }), {
      clock: clock.read,
    });
    await manager.getTokens();
    clock.advance(3600_000);
    await manager.getTokens();
    expect(server.tokenCalls.map((call) => call.grantType)).toEqual([
      'client_credentials',
      'client_credentials',
    ]);
  });
});
