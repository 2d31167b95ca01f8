import type { RedisClientType } from '@redis/client';
import { InvalidOptionsError } from '@tokenwire/auth-middleware';
import { describe, expect, it } from 'vitest';
import type { RedisServer } from './redis-server.fixture';
import { createRedisStore } from './redis-store';
import { recordingLogger, type StoreFactory, tokens, useRedis } from './test-helpers.fixture';

let server: RedisServer;
let plain: RedisClientType;
let stores: StoreFactory;
const KEY = 'a-32-byte-secret-for-the-tests!!';

useRedis((redis) => ({ server, plain, stores } = redis));

describe('encryptionKey', () => {
  it('keeps AES-GCM ciphertext in Redis: neither token appears in the raw value', async () => {
    const a = await stores.open({ encryptionKey: KEY });
    const b = await stores.open({ encryptionKey: new TextEncoder().encode(KEY) });
    const set = tokens('secret-value');
    await a.set('k', set);
    const raw = (await plain.get('tokenwire:{k}')) ?? '';
    expect(raw).toMatch(/^tw1\.[\w-]+\.[\w-]+$/);
    expect(raw).not.toContain('access-secret-value');
    expect(raw).not.toContain('refresh-secret-value');
    expect(Buffer.from(raw.split('.')[2] ?? '', 'base64url').toString()).not.toContain('secret');
    // The same key as bytes reads it.
    expect(await b.get('k')).toEqual(set);
  });

  it('uses a fresh IV for every write', async () => {
    const a = await stores.open({ encryptionKey: KEY });
    const set = tokens('same');
    await a.set('k', set);
    const first = await plain.get('tokenwire:{k}');
    await a.set('k', set);
    expect(await plain.get('tokenwire:{k}')).not.toBe(first);
  });

  it('treats a value under another key as absent: the store key is authenticated', async () => {
    const a = await stores.open({ encryptionKey: KEY });
    await a.set('k1', tokens('moved'));
    await plain.set('tokenwire:{k2}', (await plain.get('tokenwire:{k1}')) ?? '');
    expect(await a.get('k2')).toBeUndefined();
  });

  it('with the wrong key: absent, with one warning and one onError (no value in them)', async () => {
    const writer = await stores.open({ encryptionKey: KEY });
    await writer.set('k', tokens('wrong-key'));
    const { lines, logger } = recordingLogger();
    const reader = await stores.open({ encryptionKey: 'another-key-entirely-32-bytes!!!', logger });
    expect(await reader.get('k')).toBeUndefined();
    expect(await reader.get('k')).toBeUndefined();
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/cannot be read \(it does not decrypt.*encryptionKey/);
    const events = stores.errors.filter((event) => event.code === 'UNREADABLE_VALUE');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ operation: 'get', key: 'k' });
    const everything = JSON.stringify([lines, stores.errors]);
    expect(everything).not.toContain('wrong-key');
    expect(everything).not.toContain((await plain.get('tokenwire:{k}')) ?? 'x');
  });

  it('refuses plain values when it expects encrypted ones, and the other way round', async () => {
    const encrypted = await stores.open({ encryptionKey: KEY });
    const clear = await stores.open();
    await clear.set('plain', tokens('plain'));
    await encrypted.set('sealed', tokens('sealed'));
    expect(await encrypted.get('plain')).toBeUndefined();
    expect(await clear.get('sealed')).toBeUndefined();
    expect(stores.errors.map((event) => event.message).join('\n')).toMatch(
      /not encrypted[\s\S]*no encryptionKey/,
    );
  });

  it('refuses a key shorter than 16 bytes', () => {
    expect(() => createRedisStore({ url: server.url, encryptionKey: 'short' })).toThrow(
      InvalidOptionsError,
    );
  });

  it('refuses an encryptionKey given as undefined (an unset variable), never storing in clear', () => {
    const unset: string | undefined = process.env.TOKENWIRE_UNSET_TEST_VARIABLE;
    expect(() => createRedisStore({ url: server.url, encryptionKey: unset as string })).toThrow(
      /encryptionKey is undefined/,
    );
  });
});
