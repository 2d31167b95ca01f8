import { createClient, type RedisClientType } from '@redis/client';
import { InvalidOptionsError } from '@tokenwire/auth-middleware';
import { describe, expect, it } from 'vitest';
import type { RedisServer } from './redis-server.fixture';
import { createRedisStore } from './redis-store';
import {
  CommandRecorder,
  eventually,
  type StoreFactory,
  tokens,
  useRedis,
} from './test-helpers.fixture';
import { EXPIRY_MARGIN_MS } from './ttl';

let server: RedisServer;
let plain: RedisClientType;
let stores: StoreFactory;

useRedis((redis) => ({ server, plain, stores } = redis));

describe('get, set, delete', () => {
  it('round-trips a token set through Redis, seen by another store', async () => {
    const a = await stores.open();
    const b = await stores.open();
    const set = tokens('round-trip');
    await a.set('k1', set);
    expect(await a.get('k1')).toEqual(set);
    expect(await b.get('k1')).toEqual(set);
    await b.delete('k1');
    expect(await b.get('k1')).toBeUndefined();
    await eventually(async () => (await a.get('k1')) === undefined, 'a to see the delete');
    expect(await plain.exists('tokenwire:{k1}')).toBe(0);
  });

  it('answers undefined for a key never written', async () => {
    const a = await stores.open();
    expect(await a.get('nothing')).toBeUndefined();
  });

  it('keeps only known TokenSet fields (a foreign value cannot inject others)', async () => {
    const a = await stores.open();
    await plain.set(
      'tokenwire:{k2}',
      JSON.stringify({ accessToken: 'x', expiresAt: 'soon', extra: 1, scope: 'read' }),
    );
    expect(await a.get('k2')).toEqual({ accessToken: 'x', scope: 'read' });
  });

  it('puts every key and the channel under the prefix', async () => {
    const a = await stores.open({ prefix: 'myapp:tw:' });
    const b = await stores.open({ prefix: 'myapp:tw:' });
    const other = await stores.open({ prefix: 'other:' });
    await a.set('k', tokens('prefixed'));
    await a.coordination.refuse('k', 'access-old');
    const lease = await a.coordination.lease('k', {
      ttlMs: 5_000,
      signal: AbortSignal.timeout(1_000),
    });
    const keys = (await plain.keys('*')).sort();
    expect(keys).toEqual(['myapp:tw:{k}', 'myapp:tw:{k}:lease', 'myapp:tw:{k}:refused']);
    await lease.release();
    expect(await other.get('k')).toBeUndefined();
    // The same prefix shares the channel: b hears a's refusals.
    await a.coordination.refuse('k', 'access-prefixed');
    await eventually(() => b.coordination.isRefused('k', 'access-prefixed'), 'b to hear');
    expect(other.coordination.isRefused('k', 'access-prefixed')).toBe(false);
  });
});

describe('TTL in Redis follows the token expiry', () => {
  it('without a refresh token: the time left plus a margin', async () => {
    const a = await stores.open();
    await a.set('k', tokens('short', 10 * 60_000, false));
    const pttl = await plain.pTTL('tokenwire:{k}');
    expect(pttl).toBeGreaterThan(10 * 60_000 + EXPIRY_MARGIN_MS - 5_000);
    expect(pttl).toBeLessThanOrEqual(10 * 60_000 + EXPIRY_MARGIN_MS);
  });

  it('with a refresh token: refreshTokenTtlMs (default 7 days)', async () => {
    const a = await stores.open();
    await a.set('k', tokens('with-refresh', 10 * 60_000, true));
    const week = 7 * 24 * 3_600_000;
    expect(await plain.pTTL('tokenwire:{k}')).toBeGreaterThan(week - 5_000);
    const custom = await stores.open({ refreshTokenTtlMs: 3_600_000 });
    await custom.set('k2', tokens('with-refresh', 10 * 60_000, true));
    expect(await plain.pTTL('tokenwire:{k2}')).toBeGreaterThan(3_600_000 - 5_000);
    expect(await plain.pTTL('tokenwire:{k2}')).toBeLessThanOrEqual(3_600_000);
  });

  it('with no known expiry: defaultTtlMs (default 24 hours)', async () => {
    const a = await stores.open({ defaultTtlMs: 120_000 });
    await a.set('k', { accessToken: 'forever' });
    const pttl = await plain.pTTL('tokenwire:{k}');
    expect(pttl).toBeGreaterThan(115_000);
    expect(pttl).toBeLessThanOrEqual(120_000);
  });

  it('an already expired token without refresh token lives a second at most', async () => {
    const a = await stores.open();
    await a.set('k', { accessToken: 'dead', expiresAt: Date.now() - 120_000 });
    expect(await plain.pTTL('tokenwire:{k}')).toBeLessThanOrEqual(1_000);
  });
});

describe('the local copy keeps Redis off the hot path', () => {
  it('a get after the first sends no command to Redis', async () => {
    const a = await stores.open();
    const b = await stores.open();
    await b.set('hot', tokens('hot'));
    const recorder = await CommandRecorder.start(server);
    try {
      expect(await a.get('hot')).toMatchObject({ accessToken: 'access-hot' });
      await recorder.settle();
      const afterFirst = recorder.mentioning('{hot}').length;
      expect(afterFirst).toBeGreaterThan(0);
      for (let i = 0; i < 100; i++) await a.get('hot');
      await recorder.settle();
      expect(recorder.mentioning('{hot}').length).toBe(afterFirst);
    } finally {
      await recorder.stop();
    }
  });

  it("this process's own write fills the copy: no read follows it", async () => {
    const a = await stores.open();
    const recorder = await CommandRecorder.start(server);
    try {
      await a.set('own', tokens('own'));
      await recorder.settle();
      const afterWrite = recorder.mentioning('{own}').length;
      expect(await a.get('own')).toMatchObject({ accessToken: 'access-own' });
      await recorder.settle();
      expect(recorder.mentioning('{own}').length).toBe(afterWrite);
    } finally {
      await recorder.stop();
    }
  });

  it('reads Redis again when the token nears its expiry (within 60 s)', async () => {
    let now = Date.now();
    const a = await stores.open({ clock: () => now });
    await a.set('near', { accessToken: 'near', refreshToken: 'r', expiresAt: now + 90_000 });
    const recorder = await CommandRecorder.start(server);
    try {
      now += 20_000; // 70 s left: the copy answers
      await a.get('near');
      await recorder.settle();
      expect(recorder.mentioning('{near}')).toEqual([]);
      now += 15_000; // 55 s left: Redis is asked, then at most once a second
      await a.get('near');
      await a.get('near');
      await recorder.settle();
      expect(recorder.mentioning('{near}').length).toBe(1);
      now += 1_000;
      await a.get('near');
      await recorder.settle();
      expect(recorder.mentioning('{near}').length).toBe(2);
    } finally {
      await recorder.stop();
    }
  });

  it('drops the copy when another store writes, deletes or refuses', async () => {
    const a = await stores.open();
    const b = await stores.open();
    await a.set('shared', tokens('one'));
    expect(await b.get('shared')).toMatchObject({ accessToken: 'access-one' });
    await a.set('shared', tokens('two'));
    await eventually(
      async () => (await b.get('shared'))?.accessToken === 'access-two',
      'b to see the new write',
    );
    await a.delete('shared');
    await eventually(async () => (await b.get('shared')) === undefined, 'b to see the delete');
    await b.set('shared', tokens('three'));
    await eventually(
      async () => (await a.get('shared'))?.accessToken === 'access-three',
      'a to see the write after its cached absence',
    );
    await b.coordination.refuse('shared', 'access-three');
    await eventually(() => a.coordination.isRefused('shared', 'access-three'), 'a to hear');
  });

  it('does not trust the copy while the subscriber is down: reads through', async () => {
    const a = await stores.open();
    const b = await stores.open();
    await a.set('k', tokens('before'));
    expect(await b.get('k')).toMatchObject({ accessToken: 'access-before' });
    // Kill b's subscriber connection from the server side: its messages would be lost.
    const clients = String(await plain.sendCommand(['CLIENT', 'LIST', 'TYPE', 'pubsub']));
    const ids = [...clients.matchAll(/id=(\d+)/g)].map((m) => m[1] ?? '');
    for (const id of ids) await plain.sendCommand(['CLIENT', 'KILL', 'ID', id]);
    // Written behind b's back while nobody is subscribed.
    await plain.set('tokenwire:{k}', JSON.stringify({ accessToken: 'access-behind' }));
    await eventually(
      async () => (await b.get('k'))?.accessToken === 'access-behind',
      'b to read through',
    );
    // Re-subscribed by node-redis: the copy is trusted again, and messages flow.
    await b.ready({ signal: AbortSignal.timeout(5_000) });
    await a.ready({ signal: AbortSignal.timeout(5_000) });
    await a.set('k', tokens('after'));
    await eventually(async () => (await b.get('k'))?.accessToken === 'access-after', 'b');
  });
});

describe('options', () => {
  it('refuses neither or both of url and client, and a URL that is not redis', () => {
    expect(() => createRedisStore({} as never)).toThrow(InvalidOptionsError);
    expect(() => createRedisStore({ url: 'http://127.0.0.1:6379' })).toThrow(/redis:\/\//);
    expect(() => createRedisStore({ url: 'redis://x', client: {} } as never)).toThrow(
      InvalidOptionsError,
    );
    expect(() => createRedisStore({ client: {} as never })).toThrow(/node-redis client/);
    expect(() => createRedisStore({ url: server.url, commandTimeoutMs: 0 })).toThrow(
      /commandTimeoutMs/,
    );
  });

  it('never quotes the URL (it may hold a password) in an error', () => {
    let message = '';
    try {
      createRedisStore({ url: 'mysql://user:hunter2@db:3306' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('url must be');
    expect(message).not.toContain('hunter2');
  });

  it('warns once when tokens would travel unencrypted to a remote Redis', async () => {
    const warnings: string[] = [];
    // 0.0.0.0 is not a loopback name (so the warning fires) yet stays on this machine.
    const store = createRedisStore({
      url: 'redis://0.0.0.0:1',
      logger: { warn: (message) => warnings.push(message) },
      commandTimeoutMs: 50,
    });
    await store.close();
    expect(warnings.join('\n')).toMatch(/rediss:\/\/.*encryptionKey/);
  });
});

describe('with your own client', () => {
  const pubsubClients = async () =>
    [...String(await plain.sendCommand(['CLIENT', 'LIST', 'TYPE', 'pubsub'])).matchAll(/id=/g)]
      .length;

  it('uses it, subscribes on a duplicate, and close() closes only the duplicate', async () => {
    const mine = await server.plainClient();
    try {
      const store = createRedisStore({ client: mine });
      await store.ready({ signal: AbortSignal.timeout(5_000) });
      expect(await pubsubClients()).toBe(1);
      await store.set('k', tokens('mine'));
      expect(await plain.get('tokenwire:{k}')).toContain('access-mine');
      await store.close();
      expect(mine.isReady).toBe(true);
      expect(await mine.ping()).toBe('PONG');
      await eventually(async () => (await pubsubClients()) === 0, 'the duplicate to close');
    } finally {
      mine.destroy();
    }
  });

  it('works over RESP2 as over RESP3', async () => {
    const resp2 = createClient({ url: server.url, RESP: 2 });
    resp2.on('error', () => {});
    await resp2.connect();
    try {
      const a = createRedisStore({ client: resp2 });
      const b = await stores.open();
      await a.ready({ signal: AbortSignal.timeout(5_000) });
      await a.set('k', tokens('resp2'));
      expect(await b.get('k')).toMatchObject({ accessToken: 'access-resp2' });
      await b.coordination.refuse('k', 'access-resp2');
      await eventually(() => a.coordination.isRefused('k', 'access-resp2'), 'a to hear');
      const lease = await a.coordination.lease('k', {
        ttlMs: 5_000,
        signal: AbortSignal.timeout(1_000),
      });
      expect(await lease.read()).toMatchObject({ accessToken: 'access-resp2' });
      expect(await lease.write(tokens('resp2-next'))).toBe(true);
      await lease.release();
      await eventually(async () => (await b.get('k'))?.accessToken === 'access-resp2-next', 'b');
      await a.close();
    } finally {
      resp2.destroy();
    }
  });
});
