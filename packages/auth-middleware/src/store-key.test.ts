import { describe, expect, it } from 'vitest';
import { CLIENT_SECRET, oauthStrategy } from './test-support/fake-oauth-server';
import { TokenManager } from './token-manager';
import { deriveStoreKey, MemoryTokenStore } from './token-store';

const noFetch = async () => new Response();

describe('store keys', () => {
  it('differ for different credentials, base URLs and vendors', async () => {
    const keys = await Promise.all([
      deriveStoreKey('cloudlx', ['https://a.example', 'id', 'secret']),
      deriveStoreKey('cloudlx', ['https://a.example', 'id', 'other-secret']),
      deriveStoreKey('cloudlx', ['https://a.example', 'other-id', 'secret']),
      deriveStoreKey('cloudlx', ['https://b.example', 'id', 'secret']),
      deriveStoreKey('sensu', ['https://a.example', 'id', 'secret']),
      // Naive joining would make these two equal.
      deriveStoreKey('cloudlx', ['https://a.example', 'id:secret']),
      deriveStoreKey('cloudlx', ['https://a.example:id', 'secret']),
    ]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('are stable for the same identity', async () => {
    expect(await deriveStoreKey('x', ['a', 'b'])).toBe(await deriveStoreKey('x', ['a', 'b']));
  });

  it('contain no secret, client id or URL, only the namespace and a SHA-256 hex digest', async () => {
    const manager = new TokenManager(
      oauthStrategy({
        fetch: noFetch,
        clientId: 'my-client-id',
        baseUrl: 'https://tenant.example',
      }),
    );
    const key = await manager.key();
    expect(key).toMatch(/^tokenwire:fake:[0-9a-f]{64}$/);
    for (const part of [CLIENT_SECRET, 'my-client-id', 'tenant.example']) {
      expect(key).not.toContain(part);
    }
  });

  it('keep two managers with different credentials apart in one shared store', async () => {
    const store = new MemoryTokenStore();
    const a = new TokenManager(oauthStrategy({ fetch: noFetch, clientSecret: 'secret-a' }), {
      store,
    });
    const b = new TokenManager(oauthStrategy({ fetch: noFetch, clientSecret: 'secret-b' }), {
      store,
    });
    const c = new TokenManager(
      oauthStrategy({ fetch: noFetch, baseUrl: 'https://other.example' }),
      {
        store,
      },
    );
    const keys = new Set([await a.key(), await b.key(), await c.key()]);
    expect(keys.size).toBe(3);
    await store.set(await a.key(), { accessToken: 'token-of-a' });
    expect(await store.get(await b.key())).toBeUndefined();
    expect(await store.get(await c.key())).toBeUndefined();
  });
});
