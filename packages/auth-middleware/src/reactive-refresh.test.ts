import { describe, expect, it } from 'vitest';
import {
  deferred,
  FakeClock,
  FakeOAuthServer,
  oauthStrategy,
  until,
} from './test-support/fake-oauth-server';
import { TokenManager } from './token-manager';
import type { TokenSet } from './token-set';
import { MemoryTokenStore } from './token-store';

/** Records writes; can hold chosen `get` calls after they read the store (a slow store). */
class SlowStore extends MemoryTokenStore {
  readonly writes: TokenSet[] = [];
  /** Call number (1-based) -> what that get waits for after reading. */
  readonly holds = new Map<number, Promise<void>>();
  gets = 0;

  override async get(key: string): Promise<TokenSet | undefined> {
    this.gets += 1;
    const hold = this.holds.get(this.gets);
    const value = await super.get(key);
    if (hold) await hold;
    return value;
  }

  /** Another process writing: no recording, no hold. */
  async setElsewhere(key: string, tokens: TokenSet): Promise<void> {
    await super.set(key, tokens);
  }

  override async set(key: string, tokens: TokenSet): Promise<void> {
    this.writes.push(tokens);
    await super.set(key, tokens);
  }
}

function setup() {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock, expiresIn: 3600 });
  const store = new SlowStore();
  const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
    clock: clock.read,
    store,
  });
  return { clock, server, store, manager };
}

describe('reactive refresh after a 401', () => {
  it('invalidates the refused token when the store still holds it, keeping its refresh token', async () => {
    const { server, store, manager } = setup();
    const first = await manager.getTokens();
    const next = await manager.tokensAfterRejection(first.accessToken);
    expect(next.accessToken).toBe('access-2');
    expect(store.writes.map((tokens) => [tokens.accessToken, tokens.expiresAt === 0])).toEqual([
      ['access-1', false],
      ['access-1', true],
      ['access-2', false],
    ]);
    expect(store.writes[1]?.refreshToken).toBe('refresh-1');
    expect(server.tokenCalls.map((call) => call.params.get('refresh_token'))).toEqual([
      null,
      'refresh-1',
    ]);
  });

  it('leaves a newer token alone and returns it, with no token call', async () => {
    const { server, store, manager } = setup();
    const old = await manager.getTokens();
    const newer = await manager.refresh();
    const writes = store.writes.length;
    const calls = server.tokenCalls.length;
    expect(await manager.tokensAfterRejection(old.accessToken)).toEqual(newer);
    expect(store.writes).toHaveLength(writes);
    expect(server.tokenCalls).toHaveLength(calls);
  });

  it('acquires when the refused token is gone from the store', async () => {
    const { server, manager } = setup();
    const old = await manager.getTokens();
    await manager.invalidate();
    const next = await manager.tokensAfterRejection(old.accessToken);
    expect(next.accessToken).toBe('access-2');
    expect(server.acquireCalls).toBe(2);
  });

  it('does not answer a 401 with the refused token when a flight read it just before the 401', async () => {
    const { clock, server, store, manager } = setup();
    const key = await manager.key();
    // Our process holds an expired token set; another process then stores a new one, which
    // the API refuses (revoked) while our flight is reading the store.
    await store.set(key, {
      accessToken: 'stale',
      refreshToken: 'none',
      expiresAt: clock.now - 1,
      obtainedAt: clock.now - 3600_000,
    });
    const outerRead = deferred();
    const innerRead = deferred();
    store.holds.set(1, outerRead.promise);
    store.holds.set(2, innerRead.promise);
    // 1. A request reads the stale set and is about to start a flight.
    const reader = manager.getTokens();
    await until(() => store.gets === 1, 'the outer read');
    // 2. Another process stores a new token; our flight's read sees it, and is held there.
    const other = server.issue();
    const othersToken = String(other.access_token);
    await store.setElsewhere(key, {
      accessToken: othersToken,
      refreshToken: String(other.refresh_token),
      expiresAt: clock.now + 3600_000,
      obtainedAt: clock.now,
    });
    outerRead.resolve();
    await until(() => store.gets === 2, 'the flight to read the store');
    // 3. The API refuses that token (revoked), and the 401 joins the running flight.
    server.revokeAccessToken(othersToken);
    const replacement = manager.tokensAfterRejection(othersToken);
    await until(() => store.gets === 3, 'the 401 to read the store');
    innerRead.resolve();
    const [readerTokens, replacementTokens] = await Promise.all([reader, replacement]);
    expect(replacementTokens.accessToken).not.toBe(othersToken);
    expect(server.isValid(replacementTokens.accessToken)).toBe(true);
    expect(server.isValid(readerTokens.accessToken)).toBe(true);
  });

  it('does not hand the refused token to new requests while its replacement is on the way', async () => {
    const { server, manager } = setup();
    const old = await manager.getTokens();
    const gate = deferred();
    server.tokenGate = gate.promise;
    const replacement = manager.tokensAfterRejection(old.accessToken);
    const newcomer = manager.getTokens();
    await until(() => server.tokenCalls.length === 2, 'the refresh call');
    gate.resolve();
    expect((await newcomer).accessToken).toBe('access-2');
    expect((await replacement).accessToken).toBe('access-2');
    expect(server.refreshCalls).toBe(1);
  });

  it('accepts a server that re-issues the same access token after a 401', async () => {
    const { server, manager } = setup();
    const old = await manager.getTokens();
    server.tokenOverrides.push(() =>
      Response.json({ access_token: old.accessToken, token_type: 'Bearer', expires_in: 3600 }),
    );
    const next = await manager.tokensAfterRejection(old.accessToken);
    expect(next.accessToken).toBe(old.accessToken);
    // Stored again, it is usable again: no token call on every request from now on.
    const calls = server.tokenCalls.length;
    await manager.getTokens();
    await manager.getTokens();
    expect(server.tokenCalls).toHaveLength(calls);
  });
});
