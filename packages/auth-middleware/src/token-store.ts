import type { TokenSet } from './token-set';

/**
 * Where token sets live between requests. Implement it over Redis, a file or a KV store to
 * share tokens across processes; every method may be async. Keys are opaque strings made by
 * `deriveStoreKey` (in the vendor kit): they never contain a secret.
 *
 * A store shared by several processes should also implement `StoreCoordination`
 * (`coordination`): without it, each process coordinates only its own requests, so N
 * processes make N token calls per expiry and race on rotating refresh tokens.
 */
export interface TokenStore {
  /** The stored tokens, or undefined. On the hot path of every request: keep it local. */
  get(key: string): Promise<TokenSet | undefined>;
  /** Stores `tokens` under `key`, replacing what was there. */
  set(key: string, tokens: TokenSet): Promise<void>;
  /** Forgets the tokens under `key` (nothing happens when there are none). */
  delete(key: string): Promise<void>;
  /** Fleet-wide coordination of flights and refusals, for a store shared across processes. */
  readonly coordination?: StoreCoordination;
}

/**
 * How the token managers of many processes sharing one store agree. The contract:
 * - **One flight per key, fleet-wide.** A manager about to call the token endpoint first
 *   takes the key's lease, then re-reads the tokens through the lease (another process may
 *   have renewed them meanwhile) and calls the endpoint only if they are still not usable.
 *   `lease` waits while another process holds the lease (by a notification or a bounded
 *   poll); a holder that dies blocks the others at most `ttlMs`.
 * - **Refusals.** When the API refuses an access token (401), `refuse` makes every process
 *   stop sending it (`isRefused`), so they wait for one renewal instead of starting their own.
 * - **Rotation safety.** Tokens renewed under a lease are written with `lease.write`, which
 *   writes only while the lease is still held (a fenced write): a slow holder whose lease
 *   expired cannot overwrite newer tokens, and a rotated refresh token is never stored back.
 *
 * A manager whose `lease` call rejects (the store's backend is down) goes on with its
 * in-process coordination alone, and says so through its logger. It sets no deadline of its
 * own on the wait: `signal` never aborts today. Should the backend fail while a lease is
 * held, `read` may answer from a local copy and `write` may keep the tokens locally and
 * resolve true (failing open, as the rest of the store does): requests never fail for it.
 */
export interface StoreCoordination {
  /** Takes the lease on `key`, waiting while another process holds it, until `signal` aborts. */
  lease(key: string, options: LeaseOptions): Promise<StoreLease>;
  /** Tells every process that the API refused `accessToken` for `key`. */
  refuse(key: string, accessToken: string): Promise<void>;
  /** Whether any process reported `accessToken` refused. Synchronous: answer from local state. */
  isRefused(key: string, accessToken: string): boolean;
}

/** How a lease is asked for. */
export interface LeaseOptions {
  /**
   * How long the lease lives if its holder dies. The store keeps a live holder's lease alive
   * (renewing it while held), so a long flight with retries does not lose it.
   */
  readonly ttlMs: number;
  /** Aborts the wait for the lease. */
  readonly signal: AbortSignal;
}

/** A held lease on one key. */
export interface StoreLease {
  /** The tokens as stored now, read from the shared store itself (not a local copy). */
  read(): Promise<TokenSet | undefined>;
  /** Writes `tokens` only while this lease is still held; false (nothing written) when it was lost. */
  write(tokens: TokenSet): Promise<boolean>;
  /** Gives the lease up (only if still held by this holder). */
  release(): Promise<void>;
}

/** The default store: a Map in this process. */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, TokenSet>();

  async get(key: string): Promise<TokenSet | undefined> {
    return this.#entries.get(key);
  }

  /** Stores `tokens` under `key`. */
  async set(key: string, tokens: TokenSet): Promise<void> {
    this.#entries.set(key, tokens);
  }

  /** Forgets the tokens under `key`. */
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
