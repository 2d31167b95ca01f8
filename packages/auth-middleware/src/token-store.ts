import type { TokenSet } from './token-set';

/**
 * Where token sets live between requests. Implement it over Redis, a file or a KV store to
 * share tokens across processes; every method may be async. Keys are opaque strings made by
 * {@link deriveStoreKey}: they never contain a secret.
 */
export interface TokenStore {
  get(key: string): Promise<TokenSet | undefined>;
  set(key: string, tokens: TokenSet): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The default store: a Map in this process. */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, TokenSet>();

  async get(key: string): Promise<TokenSet | undefined> {
    return this.#entries.get(key);
  }

  async set(key: string, tokens: TokenSet): Promise<void> {
    this.#entries.set(key, tokens);
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}

/**
 * Derives a store key from everything that identifies whose token it is (vendor, base URL,
 * client id, username, secret...). The parts are hashed with SHA-256, so two clients with
 * different credentials or base URLs never share an entry, and the key reveals no secret.
 */
export async function deriveStoreKey(namespace: string, parts: readonly string[]): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(JSON.stringify(parts)),
  );
  const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0'));
  return `tokenwire:${namespace}:${hex.join('')}`;
}
