import type { RedisClientType } from '@redis/client';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import type { RedisStoreErrorEvent } from './errors';
import { RedisServer } from './redis-server.fixture';
import { createRedisStore, type RedisTokenStore } from './redis-store';
import { eventually, recordingLogger, StoreFactory, tokens } from './test-helpers.fixture';

// Each test starts (and stops, restarts) its own redis-server.
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const server = await RedisServer.start();
  cleanups.push(() => server.stop());
  const stores = new StoreFactory(server);
  cleanups.push(() => stores.closeAll());
  return { server, stores };
}

const leaseOptions = () => ({ ttlMs: 5_000, signal: AbortSignal.timeout(5_000) });

describe('with a least-privilege ACL user (as the README suggests)', () => {
  it('shares, leases and refuses without a single error', async () => {
    const { server, stores } = await setup();
    const plain = await server.plainClient();
    cleanups.push(() => plain.destroy());
    const acl =
      '~tokenwire:* &tokenwire:* +get +set +del +pttl +zadd +zrange +zrem +zremrangebyrank +pexpire +publish +subscribe +eval +evalsha +ping +hello';
    await plain.sendCommand(['ACL', 'SETUSER', 'tokenwire', 'on', '>pw', ...acl.split(' ')]);
    const url = `redis://tokenwire:pw@127.0.0.1:${server.port}`;
    const errors: RedisStoreErrorEvent[] = [];
    const open = async () => {
      const store = createRedisStore({ url, onError: (event) => errors.push(event) });
      cleanups.push(() => store.close());
      await store.ready({ signal: AbortSignal.timeout(5_000) });
      return store;
    };
    const [a, b] = [await open(), await open()];
    await a.set('k', tokens('acl'));
    expect(await b.get('k')).toMatchObject({ accessToken: 'access-acl' });
    const lease = await b.coordination.lease('k', leaseOptions());
    expect(await lease.read()).toMatchObject({ accessToken: 'access-acl' });
    expect(await lease.write(tokens('acl-2'))).toBe(true);
    await lease.release();
    await a.coordination.refuse('k', 'access-acl-2');
    await eventually(() => b.coordination.isRefused('k', 'access-acl-2'), 'b to hear');
    await eventually(async () => (await a.get('k'))?.accessToken === 'access-acl-2', 'a');
    await a.delete('k');
    expect(errors).toEqual([]);
    void stores;
  });
});

describe('when Redis goes down, the store fails open', () => {
  it('keeps get/set/delete/refuse working locally, rejects lease() at once, reports once', async () => {
    const { server, stores } = await setup();
    const { lines, logger } = recordingLogger();
    const a = await stores.open({ logger });
    await a.set('k', tokens('before'));
    await server.stop();
    await eventually(() => stores.errors.length > 0, 'the outage to be noticed', 3_000);

    let started = Date.now();
    expect(await a.get('k')).toMatchObject({ accessToken: 'access-before' });
    await a.set('k', tokens('during'));
    expect(await a.get('k')).toMatchObject({ accessToken: 'access-during' });
    await a.coordination.refuse('k', 'access-during');
    expect(a.coordination.isRefused('k', 'access-during')).toBe(true);
    await a.delete('k');
    expect(await a.get('k')).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(200);

    started = Date.now();
    await expect(a.coordination.lease('k', leaseOptions())).rejects.toMatchObject({
      name: 'RedisStoreError',
      code: 'REDIS_UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(100);

    // However many failures: one onError and one warning for the outage.
    for (let i = 0; i < 20; i++) await a.get(`k${i}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stores.errors).toHaveLength(1);
    expect(stores.errors[0]).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    expect(JSON.stringify([lines, stores.errors])).not.toMatch(/access-|refresh-/);
  });

  it('resumes sharing by itself when Redis is back on the same port', async () => {
    // Each wait here is bounded; should the whole still run out of time, say where it was.
    let step = 'setting up';
    onTestFailed(() => console.error(`The outage test stopped while ${step}.`));
    const { server, stores } = await setup();
    const { lines, logger } = recordingLogger();
    const a = await stores.open({ logger });
    const b = await stores.open();
    await a.set('k', tokens('one'));
    expect(await b.get('k')).toMatchObject({ accessToken: 'access-one' });
    step = 'stopping Redis';
    await server.stop();
    step = 'waiting for both stores to notice';
    await eventually(() => stores.errors.length >= 2, 'both stores to notice', 3_000);
    // Each store goes on alone.
    await a.set('k', tokens('a-alone'));
    expect(await b.get('k')).toMatchObject({ accessToken: 'access-one' });

    step = 'restarting Redis';
    await server.restart();
    step = 'waiting for both stores to be ready';
    await Promise.all([a, b].map((store) => store.ready({ signal: AbortSignal.timeout(5_000) })));
    expect(lines.some((line) => line.level === 'info' && /answers again/.test(line.message))).toBe(
      true,
    );
    // Redis restarted empty; local copies are not trusted after the outage.
    expect(await b.get('k')).toBeUndefined();
    step = 'sharing again';
    await a.set('k', tokens('shared-again'));
    await eventually(
      async () => (await b.get('k'))?.accessToken === 'access-shared-again',
      'b to see a’s write',
    );
    step = 'leasing';
    const lease = await a.coordination.lease('k', leaseOptions());
    await expect(
      b.coordination.lease('k', { ttlMs: 5_000, signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    await lease.release();
    step = 'broadcasting a refusal';
    await b.coordination.refuse('k', 'access-shared-again');
    await eventually(() => a.coordination.isRefused('k', 'access-shared-again'), 'a to hear');
    // Two stores, one outage each.
    expect(stores.errors).toHaveLength(2);
  });

  it('stops waiting on a Redis that hangs (SIGSTOP): one timeout, then local answers', async () => {
    const { server, stores } = await setup();
    const a = await stores.open({ commandTimeoutMs: 200 });
    await a.set('k', tokens('before'));
    server.pause();
    cleanups.push(() => server.resume());
    let started = Date.now();
    // The first command waits for its deadline...
    await a.set('k', tokens('during'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(stores.errors.map((event) => event.code)).toEqual(['REDIS_TIMEOUT']);
    // ...the next ones do not touch Redis.
    started = Date.now();
    expect(await a.get('k')).toMatchObject({ accessToken: 'access-during' });
    await expect(a.coordination.lease('k', leaseOptions())).rejects.toMatchObject({
      code: 'REDIS_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(50);
    server.resume();
    await a.ready({ signal: AbortSignal.timeout(5_000) });
    await eventually(async () => {
      try {
        (await a.coordination.lease('k', leaseOptions())).release();
        return true;
      } catch {
        return false;
      }
    }, 'leases to work again');
    expect(stores.errors).toHaveLength(1);
  });

  it('starts without Redis, and shares once it comes up', async () => {
    const server = await RedisServer.start();
    cleanups.push(() => server.stop());
    await server.stop();
    const errors: RedisStoreErrorEvent[] = [];
    const store: RedisTokenStore = createRedisStore({
      url: server.url,
      commandTimeoutMs: 200,
      onError: (event) => errors.push(event),
    });
    cleanups.push(() => store.close());
    const started = Date.now();
    expect(await store.get('k')).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    await store.set('k', tokens('local'));
    expect(await store.get('k')).toMatchObject({ accessToken: 'access-local' });
    expect(errors.map((event) => event.code)).toEqual(['REDIS_UNAVAILABLE']);
    await server.restart();
    await store.ready({ signal: AbortSignal.timeout(5_000) });
    await store.set('k', tokens('shared'));
    const plain: RedisClientType = await server.plainClient();
    cleanups.push(() => plain.destroy());
    expect(await plain.get('tokenwire:{k}')).toContain('access-shared');
  });

  it('reports a command Redis refuses (ACL) once, without the value, and fails open', async () => {
    const { server, stores } = await setup();
    const plain = await server.plainClient();
    cleanups.push(() => plain.destroy());
    // A user who may do everything but run scripts.
    await plain.sendCommand([
      'ACL',
      'SETUSER',
      'noscript',
      'on',
      '>pw',
      '~*',
      '&*',
      '+@all',
      '-@scripting',
    ]);
    const errors: RedisStoreErrorEvent[] = [];
    const store = createRedisStore({
      url: `redis://noscript:pw@127.0.0.1:${server.port}`,
      onError: (event) => errors.push(event),
    });
    cleanups.push(() => store.close());
    await store.ready({ signal: AbortSignal.timeout(5_000) });
    await store.set('k', tokens('acl'));
    await store.set('k', tokens('acl'));
    expect(await store.get('k')).toMatchObject({ accessToken: 'access-acl' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'REDIS_COMMAND_FAILED', operation: 'set', key: 'k' });
    expect(errors[0]?.message).toContain('NOPERM');
    expect(JSON.stringify(errors)).not.toMatch(/access-acl|pw@/);
    void stores;
  });
});
