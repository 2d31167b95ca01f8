import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { RedisClientType } from '@redis/client';
import { describe, expect, it } from 'vitest';
import type { RedisServer } from './redis-server.fixture';
import { eventually, type StoreFactory, tokens, useRedis } from './test-helpers.fixture';

let server: RedisServer;
let plain: RedisClientType;
let stores: StoreFactory;

useRedis((redis) => ({ server, plain, stores } = redis));

const options = (ttlMs: number, waitMs = 2_000) => ({
  ttlMs,
  signal: AbortSignal.timeout(waitMs),
});

describe('leases', () => {
  it('are exclusive between two stores (two processes)', async () => {
    const a = await stores.open();
    const b = await stores.open();
    const lease = await a.coordination.lease('k', options(5_000));
    const owner = await plain.get('tokenwire:{k}:lease');
    expect(owner).toMatch(/^[0-9a-f-]{36}$/);
    await expect(b.coordination.lease('k', options(5_000, 300))).rejects.toThrow(/timed? ?out/i);
    // Other keys are independent.
    const other = await b.coordination.lease('other', options(5_000));
    await other.release();
    await lease.release();
    expect(await plain.exists('tokenwire:{k}:lease')).toBe(0);
  });

  it('go to a waiter as soon as the holder releases (woken by a message)', async () => {
    const a = await stores.open();
    const b = await stores.open({ leasePollIntervalMs: 5_000 });
    const held = await a.coordination.lease('k', options(10_000));
    let got = false;
    const waiting = b.coordination.lease('k', options(10_000, 5_000)).then((lease) => {
      got = true;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(got).toBe(false);
    const releasedAt = Date.now();
    await held.release();
    const lease = await waiting;
    // Well before the 2.5 s (or more) poll: the release message woke it.
    expect(Date.now() - releasedAt).toBeLessThan(1_000);
    await lease.release();
  });

  it('stop waiting when the signal aborts, with its reason', async () => {
    const a = await stores.open();
    const b = await stores.open();
    const held = await a.coordination.lease('k', options(5_000));
    const controller = new AbortController();
    const waiting = b.coordination.lease('k', { ttlMs: 5_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 50);
    await expect(waiting).rejects.toThrow('caller gave up');
    await held.release();
  });

  it('stay with a live holder past their ttl: the holder renews them', async () => {
    const a = await stores.open();
    const b = await stores.open();
    const lease = await a.coordination.lease('k', options(300));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await plain.pTTL('tokenwire:{k}:lease')).toBeGreaterThan(0);
    await expect(b.coordination.lease('k', options(300, 200))).rejects.toThrow();
    expect(await lease.write(tokens('still-mine'))).toBe(true);
    await lease.release();
  });

  it('free themselves within ttl when the holder dies (kill -9)', async () => {
    const b = await stores.open();
    const ttlMs = 1_000;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'lease-holder.fixture.ts'),
        server.url,
        'k',
        String(ttlMs),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      expect(chunk.toString()).toContain('held');
      // The child renews it: still held well past its ttl.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(await plain.exists('tokenwire:{k}:lease')).toBe(1);
      child.kill('SIGKILL');
      await once(child, 'exit');
      const diedAt = Date.now();
      const lease = await b.coordination.lease('k', options(ttlMs, 3 * ttlMs));
      expect(Date.now() - diedAt).toBeLessThanOrEqual(ttlMs + 300);
      await lease.release();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuse a write once lost: a fenced write cannot overwrite newer tokens', async () => {
    const a = await stores.open();
    const b = await stores.open();
    const stale = await a.coordination.lease('k', options(5_000));
    // A stalled holder: its lease expired (simulated) and another process took it.
    await plain.del('tokenwire:{k}:lease');
    const fresh = await b.coordination.lease('k', options(5_000));
    expect(await fresh.write(tokens('newer'))).toBe(true);
    expect(await stale.write(tokens('older'))).toBe(false);
    expect(await a.get('k')).toMatchObject({ accessToken: 'access-newer' });
    // Releasing a lost lease does not free the new holder's.
    await stale.release();
    expect(await plain.get('tokenwire:{k}:lease')).not.toBeNull();
    await fresh.release();
  });

  it('read Redis itself, not the local copy', async () => {
    const a = await stores.open();
    await a.set('k', tokens('cached'));
    expect(await a.get('k')).toMatchObject({ accessToken: 'access-cached' });
    // Changed behind the store's back (no message): the local copy still answers get.
    await plain.set('tokenwire:{k}', JSON.stringify({ accessToken: 'access-in-redis' }));
    expect(await a.get('k')).toMatchObject({ accessToken: 'access-cached' });
    const lease = await a.coordination.lease('k', options(5_000));
    expect(await lease.read()).toEqual({ accessToken: 'access-in-redis' });
    await lease.release();
  });

  it('tell the other stores about a write made under the lease', async () => {
    const a = await stores.open();
    const b = await stores.open();
    await a.set('k', tokens('one'));
    expect(await b.get('k')).toMatchObject({ accessToken: 'access-one' });
    const lease = await a.coordination.lease('k', options(5_000));
    expect(await lease.write(tokens('two'))).toBe(true);
    await lease.release();
    await eventually(async () => (await b.get('k'))?.accessToken === 'access-two', 'b to see it');
  });

  it('are released by close()', async () => {
    const a = await stores.open();
    await a.coordination.lease('k', options(30_000));
    expect(await plain.exists('tokenwire:{k}:lease')).toBe(1);
    await a.close();
    expect(await plain.exists('tokenwire:{k}:lease')).toBe(0);
  });
});
