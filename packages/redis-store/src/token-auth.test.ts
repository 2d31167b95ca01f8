/**
 * End to end: two token managers (createTokenAuth, standing in for two processes) on two
 * stores over one real Redis, against auth-middleware's fake OAuth server.
 */
import { createTokenAuth } from '@tokenwire/auth-middleware';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  API_BASE,
  deferred,
  FakeClock,
  FakeOAuthServer,
  oauthStrategy,
} from '../../auth-middleware/src/test-support/fake-oauth-server';
import { RedisServer } from './redis-server.fixture';
import { eventually, StoreFactory } from './test-helpers.fixture';

let redis: RedisServer;
let stores: StoreFactory;

beforeAll(async () => {
  redis = await RedisServer.start();
  stores = new StoreFactory(redis);
});
afterEach(() => stores.closeAll());
afterAll(() => redis?.stop());

/** Two "processes": a manager on its own store each, one fake OAuth server, one clock. */
async function fleet(factory = stores) {
  const clock = new FakeClock(Date.now());
  const oauth = new FakeOAuthServer({ clock, expiresIn: 3600 });
  const strategy = oauthStrategy({ fetch: oauth.fetch });
  // A prefix of its own: tests share the Redis, never each other's tokens.
  const prefix = `fleet-${Math.random().toString(36).slice(2)}:`;
  const open = async () => {
    const store = await factory.open({ clock: clock.read, prefix });
    const auth = createTokenAuth({ strategy, store, clock: clock.read, retry: false });
    return { store, auth, fetch: auth.wrapFetch(oauth.fetch) };
  };
  const [a, b] = await Promise.all([open(), open()]);
  return { clock, oauth, a, b };
}

const call = (fetch: (request: Request) => Promise<Response>, i: number) =>
  fetch(new Request(`${API_BASE}/things/${i}`));

const statuses = (responses: Response[]) => [...new Set(responses.map((r) => r.status))];

describe('two managers on two Redis stores', () => {
  it('share the first token: one acquisition for both', async () => {
    const { oauth, a, b } = await fleet();
    const [ta, tb] = await Promise.all([a.auth.getAccessToken(), b.auth.getAccessToken()]);
    expect(ta).toBe(tb);
    expect(oauth.acquireCalls).toBe(1);
  });

  it('make exactly one refresh for 50 concurrent calls across both after expiry', async () => {
    const { clock, oauth, a, b } = await fleet();
    const first = await a.auth.getAccessToken();
    expect(await b.auth.getAccessToken()).toBe(first);
    clock.advance(3_600_000 + 1);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(i % 2 ? a.fetch : b.fetch, i)),
    );
    expect(statuses(responses)).toEqual([200]);
    expect(oauth.refreshCalls).toBe(1);
    expect(oauth.acquireCalls).toBe(1);
    const used = new Set(oauth.apiCalls.map((c) => c.token));
    expect(used.size).toBe(1);
    expect(oauth.apiCalls.every((c) => c.accepted)).toBe(true);
  });

  it('stop sending a token the API refused to the other: it waits for the one renewal', async () => {
    const { oauth, a, b } = await fleet();
    const refused = await a.auth.getAccessToken();
    expect(await b.auth.getAccessToken()).toBe(refused);
    const key = await a.auth.manager.key();
    oauth.revokeAccessToken(refused);
    const gate = deferred();
    oauth.tokenGate = gate.promise;

    // a's call is refused (401): a records the refusal and starts the renewal (held open).
    const first = call(a.fetch, 1);
    await eventually(() => b.store.coordination.isRefused(key, refused), 'b to hear the 401');
    const second = call(b.fetch, 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // b has not sent the refused token: it waits on a's lease.
    expect(oauth.apiCalls.filter((c) => c.token === refused)).toHaveLength(1);
    gate.resolve();
    oauth.tokenGate = undefined;
    const responses = await Promise.all([first, second]);
    expect(statuses(responses)).toEqual([200]);
    expect(oauth.refreshCalls).toBe(1);
    expect(oauth.apiCalls.filter((c) => c.token === refused)).toHaveLength(1);
    const renewed = oauth.apiCalls.at(-1)?.token;
    expect(renewed).not.toBe(refused);
    expect(await b.auth.getAccessToken()).toBe(renewed);
  });

  it('keep serving requests when Redis dies: each goes on alone, no request fails', async () => {
    const own = await RedisServer.start();
    const factory = new StoreFactory(own);
    try {
      const { clock, oauth, a, b } = await fleet(factory);
      await Promise.all([a.auth.getAccessToken(), b.auth.getAccessToken()]);
      await own.stop();
      await eventually(() => factory.errors.length >= 2, 'the stores to notice');
      // Cached tokens still go out.
      expect(statuses(await Promise.all([call(a.fetch, 1), call(b.fetch, 2)]))).toEqual([200]);
      clock.advance(3_600_000 + 1);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => call(i % 2 ? a.fetch : b.fetch, i)),
      );
      expect(statuses(responses)).toEqual([200]);
      // In-process coordination only: one renewal per process (the second refresh finds its
      // refresh token rotated by the first and falls back to the primary grant).
      expect(oauth.tokenCalls.length - 1).toBeGreaterThanOrEqual(2);
      expect(oauth.tokenCalls.length - 1).toBeLessThanOrEqual(3);
    } finally {
      await factory.closeAll();
      await own.stop();
    }
  });
});
