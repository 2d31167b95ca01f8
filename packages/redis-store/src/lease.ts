import type { TokenSet } from '@tokenwire/auth-middleware';
import type { RedisConnection } from './connection';
import type { StoreLease } from './contract';
import { RELEASE, RENEW } from './scripts';

/** What a lease needs from its store. */
export interface LeaseHost {
  readonly connection: RedisConnection;
  /** The tokens as Redis holds them now (the local copy only if Redis cannot answer). */
  readDirect(key: string): Promise<TokenSet | undefined>;
  /** The fenced write: false when the lease key no longer holds `owner`. */
  writeFenced(key: string, owner: string, tokens: TokenSet): Promise<boolean>;
  /** The script arguments that release the lease and wake the waiters. */
  releaseArgs(key: string, owner: string): { keys: string[]; args: string[] };
  /** The lease key of `key`. */
  leaseKey(key: string): string;
  /** The lease is over (released, lost or given up): wake this process's waiters. */
  ended(lease: RedisLease): void;
}

/**
 * A lease held in Redis: `SET lease owner NX PX ttl` with a random owner, renewed every
 * ttl/3 while held (compare-and-PEXPIRE), released by compare-and-delete. A holder that dies
 * stops renewing, so its lease frees itself within ttl; a holder that loses it (a stall
 * longer than ttl) finds out on its next renewal or write, and its writes are refused.
 */
export class RedisLease implements StoreLease {
  readonly key: string;
  readonly #host: LeaseHost;
  readonly #owner: string;
  readonly #ttlMs: number;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #confirmedAt = Date.now();
  #lost = false;
  #ended = false;

  constructor(host: LeaseHost, key: string, owner: string, ttlMs: number) {
    this.#host = host;
    this.key = key;
    this.#owner = owner;
    this.#ttlMs = ttlMs;
    this.#heartbeat = setInterval(() => void this.#renew(), Math.max(1, Math.floor(ttlMs / 3)));
    // A lease must not keep the process alive: a process that exits frees it by expiry.
    this.#heartbeat.unref?.();
  }

  read(): Promise<TokenSet | undefined> {
    return this.#host.readDirect(this.key);
  }

  async write(tokens: TokenSet): Promise<boolean> {
    if (this.#lost || this.#ended) return false;
    const written = await this.#host.writeFenced(this.key, this.#owner, tokens);
    if (!written) this.#lose();
    return written;
  }

  async release(): Promise<void> {
    if (this.#ended) return;
    const held = !this.#lost;
    this.#end();
    if (!held) return;
    const { keys, args } = this.#host.releaseArgs(this.key, this.#owner);
    try {
      await this.#host.connection.eval('lease', this.key, RELEASE, keys, args);
    } catch {
      // Reported by the connection; the lease then frees itself within its ttl.
    }
  }

  async #renew(): Promise<void> {
    if (this.#ended) return;
    try {
      const renewed = await this.#host.connection.eval(
        'lease',
        this.key,
        RENEW,
        [this.#host.leaseKey(this.key)],
        [this.#owner, String(this.#ttlMs)],
      );
      if (renewed === 1) this.#confirmedAt = Date.now();
      else this.#lose();
    } catch {
      // Redis is down or slow: the lease may still be ours, until its ttl says otherwise.
      if (Date.now() - this.#confirmedAt >= this.#ttlMs) this.#lose();
    }
  }

  #lose(): void {
    this.#lost = true;
    clearInterval(this.#heartbeat);
  }

  #end(): void {
    this.#ended = true;
    clearInterval(this.#heartbeat);
    this.#host.ended(this);
  }
}
