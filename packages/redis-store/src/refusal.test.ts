import { createHash } from 'node:crypto';
import type { RedisClientType } from '@redis/client';
import { describe, expect, it } from 'vitest';
import type { RedisServer } from './redis-server.fixture';
import { REFUSALS_KEPT, RefusalSet } from './refusals';
import { eventually, type StoreFactory, tokens, useRedis } from './test-helpers.fixture';

let server: RedisServer;
let plain: RedisClientType;
let stores: StoreFactory;

useRedis((redis) => ({ server, plain, stores } = redis));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Everything Redis holds, as text. */
async function dump(): Promise<string> {
  const parts: string[] = [];
  for (const key of await plain.keys('*')) {
    const type = await plain.type(key);
    parts.push(key);
    if (type === 'string') parts.push((await plain.get(key)) ?? '');
    if (type === 'zset') parts.push(...(await plain.zRange(key, 0, -1)));
  }
  return parts.join('\n');
}

describe('refusals', () => {
  it('are answered at once, before Redis has them', async () => {
    const a = await stores.open();
    const refusing = a.coordination.refuse('k', 'access-refused');
    expect(a.coordination.isRefused('k', 'access-refused')).toBe(true);
    expect(a.coordination.isRefused('k', 'access-other')).toBe(false);
    expect(a.coordination.isRefused('other-key', 'access-refused')).toBe(false);
    await refusing;
  });

  it('keep a SHA-256 fingerprint in Redis, with a TTL, never the token', async () => {
    const a = await stores.open({ refusalTtlMs: 120_000 });
    await a.coordination.refuse('k', 'access-refused');
    expect(await plain.zRange('tokenwire:{k}:refused', 0, -1)).toEqual([sha256('access-refused')]);
    expect(await plain.pTTL('tokenwire:{k}:refused')).toBeGreaterThan(115_000);
    const everything = await dump();
    expect(everything).not.toContain('access-refused');
  });

  it('reach the other stores, which drop their local copy', async () => {
    const a = await stores.open();
    const b = await stores.open();
    await a.set('k', tokens('t1'));
    expect(await b.get('k')).toMatchObject({ accessToken: 'access-t1' });
    await a.coordination.refuse('k', 'access-t1');
    await eventually(() => b.coordination.isRefused('k', 'access-t1'), 'b to hear the refusal');
    // Renewed behind b's back: its copy was dropped with the refusal, so it reads again.
    await plain.set('tokenwire:{k}', JSON.stringify({ accessToken: 'access-t2' }));
    expect(await b.get('k')).toEqual({ accessToken: 'access-t2' });
  });

  it('are learnt from Redis by a store that started after them', async () => {
    const a = await stores.open();
    await a.set('k', tokens('old'));
    await a.coordination.refuse('k', 'access-old');
    const late = await stores.open();
    expect(late.coordination.isRefused('k', 'access-old')).toBe(false);
    await late.get('k');
    expect(late.coordination.isRefused('k', 'access-old')).toBe(true);
  });

  it('end when the same token is stored again (a server re-issued it)', async () => {
    const a = await stores.open();
    const b = await stores.open();
    await a.coordination.refuse('k', 'access-again');
    await eventually(() => b.coordination.isRefused('k', 'access-again'), 'b to hear');
    // Stored expired (as the manager marks a refused token): still refused.
    await a.set('k', { accessToken: 'access-again', refreshToken: 'r', expiresAt: 0 });
    expect(a.coordination.isRefused('k', 'access-again')).toBe(true);
    await a.set('k', tokens('again'));
    expect(a.coordination.isRefused('k', 'access-again')).toBe(false);
    await eventually(() => !b.coordination.isRefused('k', 'access-again'), 'b to hear');
    expect(await plain.zRange('tokenwire:{k}:refused', 0, -1)).toEqual([]);
  });

  it('are bounded: the newest 32 per key are kept locally', () => {
    const set = new RefusalSet();
    for (let i = 0; i < REFUSALS_KEPT + 8; i++) set.add('k', sha256(`t${i}`));
    expect(set.has('k', 't0')).toBe(false);
    expect(set.has('k', 't7')).toBe(false);
    expect(set.has('k', 't8')).toBe(true);
    expect(set.has('k', `t${REFUSALS_KEPT + 7}`)).toBe(true);
  });
});
