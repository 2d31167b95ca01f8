import { describe, expect, it } from 'vitest';
import type { TokenEvent } from './observability';
import { FakeClock, FakeOAuthServer, oauthStrategy } from './test-support/fake-oauth-server';
import { TokenManager } from './token-manager';
import type { TokenSet } from './token-set';
import { MemoryTokenStore } from './token-store';

/** A store that records every write, to check that rotation happens in one write. */
class RecordingStore extends MemoryTokenStore {
  readonly writes: TokenSet[] = [];

  override async set(key: string, tokens: TokenSet): Promise<void> {
    this.writes.push(tokens);
    await super.set(key, tokens);
  }
}

function setup(rotateRefreshTokens: boolean) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock, expiresIn: 600, rotateRefreshTokens });
  const store = new RecordingStore();
  const refreshed: TokenEvent[] = [];
  const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
    clock: clock.read,
    store,
    hooks: { onTokenRefreshed: (event) => refreshed.push(event) },
  });
  return { clock, server, store, manager, refreshed };
}

describe('refresh-token rotation', () => {
  it('stores the new refresh token in the same write as the new access token', async () => {
    const { clock, server, store, manager, refreshed } = setup(true);
    const first = await manager.getTokens();
    clock.advance(600_000);
    const second = await manager.getTokens();
    expect(store.writes).toHaveLength(2);
    expect(store.writes[1]).toEqual(second);
    expect(second.refreshToken).toBe('refresh-2');
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).toBe('access-2');
    expect(refreshed).toMatchObject([{ grant: 'refresh', refreshTokenIssued: true }]);
    // The old refresh token is dead on the server: the next refresh must send the new one.
    clock.advance(600_000);
    await manager.getTokens();
    expect(server.tokenCalls[2]?.params.get('refresh_token')).toBe('refresh-2');
    expect(server.acquireCalls).toBe(1);
  });

  it('keeps the old refresh token when the refresh response carries none', async () => {
    const { clock, server, store, manager, refreshed } = setup(false);
    const first = await manager.getTokens();
    clock.advance(600_000);
    const second = await manager.getTokens();
    expect(second.accessToken).toBe('access-2');
    expect(second.refreshToken).toBe(first.refreshToken);
    expect(store.writes[1]?.refreshToken).toBe(first.refreshToken);
    expect(refreshed).toMatchObject([{ grant: 'refresh', refreshTokenIssued: false }]);
    clock.advance(600_000);
    await manager.getTokens();
    expect(server.tokenCalls.map((call) => call.params.get('refresh_token'))).toEqual([
      null,
      'refresh-1',
      'refresh-1',
    ]);
  });
});
