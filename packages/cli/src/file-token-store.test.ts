import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLock } from './file-lock';
import { FileTokenStore } from './file-token-store';

const key = 'tokenwire:sensu:0123456789abcdef';
const tokens = { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: 1_900_000_000_000 };
const never = new AbortController().signal;

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'tokenwire-store-')), 'cache');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

async function onlyFile(suffix: string): Promise<string> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(suffix));
  expect(names).toHaveLength(1);
  return join(dir, names[0] ?? '');
}

describe('FileTokenStore', () => {
  it('stores tokens in a 0600 file inside a 0700 directory, named without the key', async () => {
    const store = new FileTokenStore({ dir });
    expect(await store.get(key)).toBeUndefined();
    await store.set(key, tokens);
    expect(await store.get(key)).toEqual(tokens);
    expect(await new FileTokenStore({ dir }).get(key)).toEqual(tokens);

    const file = await onlyFile('.json');
    expect(file).not.toContain('sensu');
    expect(file).not.toContain('0123456789abcdef');
    if (process.platform !== 'win32') {
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
  });

  it('writes atomically: no temporary file is left, and every read sees a whole token set', async () => {
    const store = new FileTokenStore({ dir });
    await store.set(key, tokens);
    const writes = Array.from({ length: 40 }, (_, i) =>
      store.set(key, { ...tokens, accessToken: `access-${i}` }),
    );
    const reads = Array.from({ length: 40 }, () => store.get(key));
    const seen = await Promise.all(reads);
    await Promise.all(writes);
    for (const read of seen) expect(read?.accessToken).toMatch(/^access-\d+$/);
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('ignores a torn or foreign file instead of failing', async () => {
    const store = new FileTokenStore({ dir });
    await store.set(key, tokens);
    await writeFile(await onlyFile('.json'), '{"format":"tokenwire-token-cache/1","key":');
    expect(await store.get(key)).toBeUndefined();
  });

  it('delete forgets the tokens and the refusals', async () => {
    const store = new FileTokenStore({ dir });
    await store.set(key, tokens);
    await store.coordination.refuse(key, tokens.accessToken);
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
    expect(store.coordination.isRefused(key, tokens.accessToken)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('FileTokenStore coordination', () => {
  it('gives the lease to one holder at a time: the second waits for the release', async () => {
    const one = new FileTokenStore({ dir, pollIntervalMs: 5 });
    const two = new FileTokenStore({ dir, pollIntervalMs: 5 });
    const events: string[] = [];
    const first = await one.coordination.lease(key, { ttlMs: 30_000, signal: never });
    events.push('first held');
    const second = two.coordination.lease(key, { ttlMs: 30_000, signal: never }).then((lease) => {
      events.push('second held');
      return lease;
    });
    // The second lease is still waiting while the first writes and reads.
    expect(await first.write(tokens)).toBe(true);
    expect(await first.read()).toEqual(tokens);
    events.push('first released');
    await first.release();
    const lease = await second;
    expect(events).toEqual(['first held', 'first released', 'second held']);
    expect(await lease.read()).toEqual(tokens);
    await lease.release();
    expect((await readdir(dir)).some((name) => name.endsWith('.lock'))).toBe(false);
  });

  it('a waiting lease stops when its signal aborts', async () => {
    const store = new FileTokenStore({ dir, pollIntervalMs: 5 });
    const held = await store.coordination.lease(key, { ttlMs: 30_000, signal: never });
    const abort = new AbortController();
    const waiting = store.coordination.lease(key, { ttlMs: 30_000, signal: abort.signal });
    abort.abort(new Error('stop waiting'));
    await expect(waiting).rejects.toThrow('stop waiting');
    await held.release();
  });

  it('takes over a lock whose holder stopped renewing it once it expired', async () => {
    const store = new FileTokenStore({ dir, pollIntervalMs: 5 });
    await store.set(key, tokens);
    const lockPath = (await onlyFile('.json')).replace(/\.json$/, '.lock');
    // A live process (this one) that holds the lock but let it expire.
    await writeFile(
      lockPath,
      JSON.stringify({
        owner: 'stalled',
        pid: process.pid,
        host: 'elsewhere',
        expiresAt: Date.now() - 1,
      }),
    );
    const lease = await store.coordination.lease(key, { ttlMs: 30_000, signal: never });
    expect((await readLock(lockPath))?.owner).not.toBe('stalled');
    await lease.release();
  });

  it('takes over at once a lock whose holder process on this machine is gone', async () => {
    const store = new FileTokenStore({ dir, pollIntervalMs: 5 });
    await store.set(key, tokens);
    const lockPath = (await onlyFile('.json')).replace(/\.json$/, '.lock');
    const { hostname } = await import('node:os');
    await writeFile(
      lockPath,
      JSON.stringify({
        owner: 'dead',
        pid: 2 ** 22 + 12_345,
        host: hostname(),
        expiresAt: Date.now() + 3_600_000,
      }),
    );
    const lease = await store.coordination.lease(key, { ttlMs: 30_000, signal: never });
    expect((await readLock(lockPath))?.owner).not.toBe('dead');
    await lease.release();
  });

  it('removes an unreadable lock file once it is older than a lease could be', async () => {
    const store = new FileTokenStore({ dir, pollIntervalMs: 5 });
    await store.set(key, tokens);
    const lockPath = (await onlyFile('.json')).replace(/\.json$/, '.lock');
    await writeFile(lockPath, 'not a lock');
    const old = new Date(Date.now() - 120_000);
    await utimes(lockPath, old, old);
    const lease = await store.coordination.lease(key, { ttlMs: 30_000, signal: never });
    expect((await readLock(lockPath))?.owner).toEqual(expect.any(String));
    await lease.release();
  });

  it('fences writes: a holder whose lock was taken over writes nothing', async () => {
    const store = new FileTokenStore({ dir, pollIntervalMs: 5 });
    await store.set(key, tokens);
    const lockPath = (await onlyFile('.json')).replace(/\.json$/, '.lock');
    const slow = await store.coordination.lease(key, { ttlMs: 30_000, signal: never });
    // Another process took the lock over (as after an expiry) and stored newer tokens.
    const newer = { ...tokens, accessToken: 'access-2', refreshToken: 'refresh-2' };
    await writeFile(
      lockPath,
      JSON.stringify({
        owner: 'newer',
        pid: process.pid,
        host: 'elsewhere',
        expiresAt: Date.now() + 60_000,
      }),
    );
    await store.set(key, newer);
    expect(await slow.write({ ...tokens, accessToken: 'access-stale' })).toBe(false);
    expect(await store.get(key)).toEqual(newer);
    // Its release leaves the new holder's lock alone.
    await slow.release();
    expect((await readLock(lockPath))?.owner).toBe('newer');
  });

  it('makes a refusal visible to every store on the directory', async () => {
    const one = new FileTokenStore({ dir });
    const two = new FileTokenStore({ dir });
    await one.set(key, tokens);
    await one.coordination.refuse(key, tokens.accessToken);
    expect(one.coordination.isRefused(key, tokens.accessToken)).toBe(true);
    expect(two.coordination.isRefused(key, tokens.accessToken)).toBe(false);
    await two.get(key);
    expect(two.coordination.isRefused(key, tokens.accessToken)).toBe(true);
    expect(two.coordination.isRefused(key, 'another-token')).toBe(false);
    const refusals = await readFile(await onlyFile('.refused'), 'utf8');
    expect(refusals).not.toContain(tokens.accessToken);
  });
});
