import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from '@redis/client';
import {
  type AuthLogger,
  InvalidOptionsError,
  type TokenSet,
  type TokenStore,
} from '@tokenwire/auth-middleware';
import { type RedisClientLike, RedisConnection } from './connection';
import type { LeaseOptions, StoreCoordination, StoreLease } from './contract';
import { RedisStoreError, type RedisStoreErrorEvent, type RedisStoreOperation } from './errors';
import { type LeaseHost, RedisLease } from './lease';
import { LocalCopy, type Stamp } from './local-copy';
import { decodeMessage, encodeMessage, type StoreMessage } from './messages';
import { fingerprint, RefusalSet } from './refusals';
import { DELETE, FENCED_WRITE, READ, REFUSE, WRITE } from './scripts';
import { redisTtlMs, type TtlPolicy, trustedUntil } from './ttl';
import { aesGcmCodec, plainCodec, UnreadableValue, type ValueCodec } from './value-codec';

/** Options every Redis store takes, whichever way it connects. */
export interface RedisStoreCommonOptions {
  /** Prefix of every Redis key and of the invalidation channel. Default `tokenwire:`. */
  prefix?: string;
  /**
   * Encrypts every stored value with AES-256-GCM (random IV per write; the AES key is
   * derived from this with HKDF-SHA-256). At least 16 bytes; use 32 random bytes kept as a
   * secret, the same in every process. Without it, values are plain JSON: anyone who can
   * read Redis can read the tokens.
   */
  encryptionKey?: string | Uint8Array;
  /** Receives warnings (Redis down, unreadable values) and recoveries; never a value or token. */
  logger?: AuthLogger;
  /**
   * Called when Redis fails and the store fails open (goes on with this process's own
   * tokens): once per outage, and at most once a minute for a repeated command error or an
   * unreadable value. Never receives a value or token. A hook that throws is ignored.
   */
  onError?(event: RedisStoreErrorEvent): void;
  /** How long a token set with a refresh token lives in Redis. Default 7 days. */
  refreshTokenTtlMs?: number;
  /** How long a token set with neither a refresh token nor an expiry lives. Default 24 hours. */
  defaultTtlMs?: number;
  /** How long refusals (fingerprints of tokens the API refused) are kept. Default 1 hour. */
  refusalTtlMs?: number;
  /** The deadline of every Redis command. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** How often a process waiting for a lease tries again (±50% jitter). Default 50 ms. */
  leasePollIntervalMs?: number;
  /** The clock, in epoch milliseconds (TTLs and expiry checks). Default `Date.now`. */
  clock?: () => number;
}

/** Connects to Redis itself: node-redis, reconnecting by itself, closed by `close()`. */
export interface RedisStoreUrlOptions extends RedisStoreCommonOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. Never logged.
   * For TLS options, Sentinel or other settings, pass your own `client` instead.
   */
  url: string;
  /** Not with `url`: pass one or the other. */
  client?: never;
}

/** Uses your connected node-redis client; the store opens only its subscriber (a duplicate). */
export interface RedisStoreClientOptions extends RedisStoreCommonOptions {
  /**
   * A node-redis client (`createClient()` of `redis` or `@redis/client`, v5 or v6),
   * connected by you. It must not have a `keyPrefix` (use `prefix`). The store sends raw
   * commands on it and subscribes on a `duplicate()`; `close()` closes only that duplicate.
   */
  client: RedisClientLike;
  /** Not with `client`: pass one or the other. */
  url?: never;
}

/** How `createRedisStore` reaches Redis, plus the common options. */
export type RedisStoreOptions = RedisStoreUrlOptions | RedisStoreClientOptions;

/**
 * A `TokenStore` in Redis, shared by every process that uses the same Redis and
 * prefix, with {@link StoreCoordination} so they make one token call per expiry between them.
 */
export interface RedisTokenStore extends TokenStore {
  /**
   * The tokens: from this process's local copy while it is trusted (no Redis round trip),
   * else from Redis; while Redis is unreachable, the last tokens this process knew.
   */
  get(key: string): Promise<TokenSet | undefined>;
  /** Stores the tokens (and tells the other processes); kept locally if Redis fails. */
  set(key: string, tokens: TokenSet): Promise<void>;
  /** Deletes the tokens (and tells the other processes). */
  delete(key: string): Promise<void>;
  /** Leases, refusals: see auth-middleware's StoreCoordination. */
  readonly coordination: StoreCoordination;
  /**
   * Resolves once Redis is reachable and the invalidation channel is subscribed. Optional:
   * the store works (failing open) before then. Rejects when `signal` aborts or on `close()`.
   */
  ready(options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Releases the leases this store holds and closes the connections it opened: with `url`,
   * both; with `client`, only its subscriber (your client stays open).
   */
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULTS = {
  prefix: 'tokenwire:',
  refreshTokenTtlMs: 7 * DAY_MS,
  defaultTtlMs: DAY_MS,
  refusalTtlMs: 60 * 60 * 1000,
  commandTimeoutMs: 1_000,
  leasePollIntervalMs: 50,
} as const;
/** Refusals kept per key in Redis (the local set keeps the newest 32). */
const REDIS_REFUSALS_KEPT = 64;
/** How long `close()` waits for a graceful QUIT before dropping its connection. */
const CLOSE_GRACE_MS = 1_000;

function positiveMs(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isFinite(value) && value > 0) return Math.ceil(value);
  throw new InvalidOptionsError(option, `${option} must be a positive number of ms, got ${value}.`);
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Checks `url` without ever quoting it (it may hold a password). */
function checkUrl(url: unknown): URL {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) {
    throw new InvalidOptionsError(
      'url',
      'url must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379 (or pass your own client).',
    );
  }
  return parsed;
}

function checkClient(client: unknown): RedisClientLike {
  const candidate = client as Partial<RedisClientLike> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.sendCommand !== 'function' ||
    typeof candidate.duplicate !== 'function'
  ) {
    throw new InvalidOptionsError(
      'client',
      'client must be a node-redis client (createClient() of `redis` or `@redis/client`, v5 or later).',
    );
  }
  return candidate as RedisClientLike;
}

/** What a READ script answered: the raw value, its PTTL, the refusal fingerprints. */
function parseRead(reply: unknown): { raw: string | undefined; pttl: number; refused: string[] } {
  const [raw, pttl, refused] = Array.isArray(reply) ? reply : [];
  return {
    raw: typeof raw === 'string' ? raw : undefined,
    pttl: typeof pttl === 'number' ? pttl : -2,
    refused: Array.isArray(refused) ? refused.filter((f) => typeof f === 'string') : [],
  };
}

/**
 * A token store in Redis for `createTokenAuth` and the vendor clients (`store` option):
 * tokens shared by every process, one token call per expiry fleet-wide (leases), refusals
 * seen everywhere, a local copy on the hot path, optional AES-GCM at rest, and fail-open
 * when Redis is down or slow. Validates the options (throws InvalidOptionsError) and
 * connects in the background.
 *
 * @example
 * const store = createRedisStore({ url: process.env.REDIS_URL!, encryptionKey: process.env.TOKEN_KEY! });
 * const cloudlx = createCloudLxClient({ clientId, clientSecret, store });
 */
export function createRedisStore(options: RedisStoreOptions): RedisTokenStore {
  return new RedisStore(options);
}

class RedisStore implements RedisTokenStore, LeaseHost {
  readonly coordination: StoreCoordination;
  readonly connection: RedisConnection;
  readonly #id = randomUUID();
  readonly #prefix: string;
  readonly #channel: string;
  readonly #codec: ValueCodec;
  readonly #ttl: TtlPolicy;
  readonly #refusalTtlMs: number;
  readonly #pollMs: number;
  readonly #clock: () => number;
  readonly #ownClient: RedisClientType | undefined;
  readonly #local = new LocalCopy();
  readonly #refusals = new RefusalSet();
  /** Read-throughs in flight, shared by concurrent gets of one key and generation. */
  readonly #reads = new Map<string, { stamp: Stamp; read: Promise<TokenSet | undefined> }>();
  /** This process's waiters for a lease, woken when it is released. */
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #held = new Set<RedisLease>();
  /** The last change of each key in flight (see #serial). */
  readonly #changes = new Map<string, Promise<void>>();
  #closing: Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionsError('options', 'createRedisStore needs { url } or { client }.');
    }
    const hasUrl = options.url !== undefined;
    const hasClient = options.client !== undefined;
    if (hasUrl === hasClient) {
      throw new InvalidOptionsError(
        hasUrl ? 'client' : 'url',
        'Pass exactly one of url (the store connects itself) or client (your connected node-redis client).',
      );
    }
    const prefix = options.prefix ?? DEFAULTS.prefix;
    if (typeof prefix !== 'string') {
      throw new InvalidOptionsError('prefix', 'prefix must be a string, e.g. "tokenwire:".');
    }
    this.#prefix = prefix;
    this.#channel = `${prefix}events`;
    if ('encryptionKey' in options && options.encryptionKey === undefined) {
      // `encryptionKey: process.env.KEY` with the variable unset must not silently store
      // tokens in clear.
      throw new InvalidOptionsError(
        'encryptionKey',
        'encryptionKey is undefined (a missing environment variable?); pass the key, or leave the option out to store tokens unencrypted.',
      );
    }
    this.#codec =
      options.encryptionKey === undefined ? plainCodec : aesGcmCodec(options.encryptionKey);
    this.#ttl = {
      refreshTokenTtlMs: positiveMs(
        'refreshTokenTtlMs',
        options.refreshTokenTtlMs,
        DEFAULTS.refreshTokenTtlMs,
      ),
      defaultTtlMs: positiveMs('defaultTtlMs', options.defaultTtlMs, DEFAULTS.defaultTtlMs),
    };
    this.#refusalTtlMs = positiveMs('refusalTtlMs', options.refusalTtlMs, DEFAULTS.refusalTtlMs);
    const commandTimeoutMs = positiveMs(
      'commandTimeoutMs',
      options.commandTimeoutMs,
      DEFAULTS.commandTimeoutMs,
    );
    this.#pollMs = positiveMs(
      'leasePollIntervalMs',
      options.leasePollIntervalMs,
      DEFAULTS.leasePollIntervalMs,
    );
    this.#clock = options.clock ?? Date.now;

    let client: RedisClientLike;
    if (options.url !== undefined) {
      const url = checkUrl(options.url);
      if (url.protocol === 'redis:' && !LOOPBACK.test(url.hostname) && !this.#codec.encrypted) {
        try {
          options.logger?.warn?.(
            'tokenwire: redis store: tokens go to Redis unencrypted over plain redis://; use rediss:// (TLS) and encryptionKey.',
            {},
          );
        } catch {
          // Logging is best-effort.
        }
      }
      const own = createClient({
        url: options.url,
        // Commands while disconnected fail at once (the store then fails open) instead of
        // queueing until their timeout.
        disableOfflineQueue: true,
        socket: {
          // Always reconnect (node-redis' default gives up after a socket timeout), backing
          // off to 1 s with jitter, so sharing resumes soon after Redis is back.
          reconnectStrategy: (retries: number) =>
            Math.min(50 * 2 ** Math.min(retries, 5), 1_000) + Math.floor(Math.random() * 100),
        },
      });
      this.#ownClient = own;
      client = own;
    } else {
      client = checkClient(options.client);
      this.#ownClient = undefined;
    }

    this.connection = new RedisConnection({
      client,
      channel: this.#channel,
      commandTimeoutMs,
      logger: options.logger,
      onError: options.onError,
      events: {
        message: (raw) => this.#onMessage(raw),
        resynchronised: () => this.#local.newEpoch(),
      },
    });
    if (this.#ownClient) {
      this.connection.attachOwnClient(this.#ownClient);
      this.#ownClient.connect().catch(() => {
        // Reported through the client's error events; node-redis keeps retrying.
      });
    }

    this.coordination = {
      lease: (key, leaseOptions) => this.#lease(key, leaseOptions),
      refuse: (key, accessToken) => this.#refuse(key, accessToken),
      isRefused: (key, accessToken) => this.#refusals.has(key, accessToken),
    };
  }

  // Keys: `{key}` is a hash tag, so a key's value, lease and refusals share a cluster slot.
  #valueKey(key: string): string {
    return `${this.#prefix}{${key}}`;
  }

  leaseKey(key: string): string {
    return `${this.#prefix}{${key}}:lease`;
  }

  #refusalsKey(key: string): string {
    return `${this.#prefix}{${key}}:refused`;
  }

  #message(t: StoreMessage['t'], k: string, f?: string): string {
    return encodeMessage(f === undefined ? { s: this.#id, t, k } : { s: this.#id, t, k, f });
  }

  async get(key: string): Promise<TokenSet | undefined> {
    const answer = this.#local.answer(key, this.#clock(), this.connection.subscribed);
    if (answer) return answer.tokens;
    const stamp = this.#local.stamp(key, this.connection.subscribed);
    const pending = this.#reads.get(key);
    if (pending && sameStamp(pending.stamp, stamp)) return pending.read;
    const read = this.#readThrough(key, 'get', stamp).finally(() => {
      if (this.#reads.get(key)?.read === read) this.#reads.delete(key);
    });
    this.#reads.set(key, { stamp, read });
    return read;
  }

  readDirect(key: string): Promise<TokenSet | undefined> {
    return this.#readThrough(key, 'lease', this.#local.stamp(key, this.connection.subscribed));
  }

  async #readThrough(
    key: string,
    operation: RedisStoreOperation,
    stamp: Stamp,
  ): Promise<TokenSet | undefined> {
    let reply: unknown;
    try {
      reply = await this.connection.eval(
        operation,
        key,
        READ,
        [this.#valueKey(key), this.#refusalsKey(key)],
        [],
      );
    } catch (error) {
      if (error instanceof RedisStoreError) return this.#local.fallback(key);
      throw error;
    }
    const { raw, pttl, refused } = parseRead(reply);
    const current = this.#local.stamp(key, this.connection.subscribed);
    // Refusals read before a newer change of the key may include ones it cleared.
    if (sameStamp(stamp, current)) this.#refusals.merge(key, refused);
    let tokens: TokenSet | undefined;
    if (raw !== undefined) {
      const decoded = await this.#codec.decode(key, raw);
      if (decoded instanceof UnreadableValue) {
        this.connection.report(
          {
            code: 'UNREADABLE_VALUE',
            operation,
            key,
            message: `The tokens stored in Redis for this key cannot be read (${decoded.reason}); treating them as absent. Check that every process uses the same encryptionKey and prefix.`,
          },
          `unreadable:${key}`,
        );
        return undefined;
      }
      tokens = decoded;
    }
    const now = this.#clock();
    this.#local.fill(
      stamp,
      tokens,
      trustedUntil(tokens, now, pttl > 0 ? pttl : undefined),
      this.connection.subscribed,
    );
    return tokens;
  }

  async set(key: string, tokens: TokenSet): Promise<void> {
    await this.#serial(key, () => this.#write(key, tokens, undefined));
  }

  writeFenced(key: string, owner: string, tokens: TokenSet): Promise<boolean> {
    return this.#serial(key, () => this.#write(key, tokens, owner));
  }

  /**
   * Runs this process's changes of one key one after the other, so they reach Redis in the
   * order they were made (encrypting is asynchronous and could reorder them).
   */
  #serial<T>(key: string, change: () => Promise<T>): Promise<T> {
    const previous = this.#changes.get(key) ?? Promise.resolve();
    const result = previous.then(change);
    const settled = result.then(
      () => {},
      () => {},
    );
    this.#changes.set(key, settled);
    void settled.then(() => {
      if (this.#changes.get(key) === settled) this.#changes.delete(key);
    });
    return result;
  }

  /** A write (fenced by `owner` when given); false only when the fence refused it. */
  async #write(key: string, tokens: TokenSet, owner: string | undefined): Promise<boolean> {
    const now = this.#clock();
    const stamp = this.#local.bump(key, this.connection.subscribed);
    // Stored again: a server may re-issue a token it refused, and it is usable again then
    // (as auth-middleware's in-process coordinator does). An expired write is no re-issue.
    const fresh = tokens.expiresAt === undefined || tokens.expiresAt > now;
    const cleared = fresh ? fingerprint(tokens.accessToken) : undefined;
    const px = redisTtlMs(tokens, now, this.#ttl);
    const payload = await this.#codec.encode(key, tokens);
    const message = this.#message('set', key, cleared);
    try {
      const written =
        owner === undefined
          ? await this.connection.eval(
              'set',
              key,
              WRITE,
              [this.#valueKey(key), this.#refusalsKey(key)],
              [payload, String(px), this.#channel, message, cleared ?? ''],
            )
          : await this.connection.eval(
              'set',
              key,
              FENCED_WRITE,
              [this.leaseKey(key), this.#valueKey(key), this.#refusalsKey(key)],
              [owner, payload, String(px), this.#channel, message, cleared ?? ''],
            );
      if (written !== 1) return false;
    } catch (error) {
      if (!(error instanceof RedisStoreError)) throw error;
      // Fail open: this process goes on with the tokens it just got.
      if (cleared) this.#refusals.clear(key, cleared);
      this.#local.remember(key, tokens);
      return true;
    }
    if (cleared) this.#refusals.clear(key, cleared);
    this.#local.fill(stamp, tokens, trustedUntil(tokens, now, px), this.connection.subscribed);
    return true;
  }

  delete(key: string): Promise<void> {
    return this.#serial(key, () => this.#delete(key));
  }

  async #delete(key: string): Promise<void> {
    const stamp = this.#local.bump(key, this.connection.subscribed);
    this.#local.remember(key, undefined);
    try {
      await this.connection.eval(
        'delete',
        key,
        DELETE,
        [this.#valueKey(key)],
        [this.#channel, this.#message('del', key)],
      );
    } catch (error) {
      if (!(error instanceof RedisStoreError)) throw error;
      return;
    }
    this.#local.fill(stamp, undefined, Number.POSITIVE_INFINITY, this.connection.subscribed);
  }

  async #refuse(key: string, accessToken: string): Promise<void> {
    const refused = fingerprint(accessToken);
    // Recorded here first (synchronously): isRefused answers from it at once.
    this.#refusals.add(key, refused);
    try {
      await this.connection.eval(
        'refuse',
        key,
        REFUSE,
        [this.#refusalsKey(key)],
        [
          refused,
          String(this.#clock()),
          String(this.#refusalTtlMs),
          String(REDIS_REFUSALS_KEPT),
          this.#channel,
          this.#message('ref', key, refused),
        ],
      );
    } catch (error) {
      if (!(error instanceof RedisStoreError)) throw error;
      // Reported; the refusal holds in this process.
    }
  }

  async #lease(key: string, { ttlMs, signal }: LeaseOptions): Promise<StoreLease> {
    signal.throwIfAborted();
    const ttl = positiveMs('ttlMs', ttlMs, 1);
    const owner = randomUUID();
    for (;;) {
      // Rejects (the manager then coordinates in-process only) when Redis cannot answer.
      const taken = await this.connection.send('lease', key, [
        'SET',
        this.leaseKey(key),
        owner,
        'NX',
        'PX',
        String(ttl),
      ]);
      if (taken === 'OK') {
        const lease = new RedisLease(this, key, owner, ttl);
        this.#held.add(lease);
        if (this.connection.closed) await lease.release();
        else return lease;
      }
      await this.#waitForRelease(key, signal);
    }
  }

  /** Until the lease is released (a message), the next poll (jittered) or the signal. */
  #waitForRelease(key: string, signal: AbortSignal): Promise<void> {
    const delay = Math.max(1, Math.round(this.#pollMs * (0.5 + Math.random())));
    return new Promise((resolve, reject) => {
      let waiters = this.#waiters.get(key);
      if (!waiters) {
        waiters = new Set();
        this.#waiters.set(key, waiters);
      }
      const set = waiters;
      const cleanup = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (!set.size && this.#waiters.get(key) === set) this.#waiters.delete(key);
        signal.removeEventListener('abort', abort);
      };
      const wake = () => {
        cleanup();
        resolve();
      };
      const abort = () => {
        cleanup();
        reject(signal.reason);
      };
      const timer = setTimeout(wake, delay);
      set.add(wake);
      signal.addEventListener('abort', abort, { once: true });
    });
  }

  releaseArgs(key: string, owner: string): { keys: string[]; args: string[] } {
    return { keys: [this.leaseKey(key)], args: [owner, this.#channel, this.#message('rel', key)] };
  }

  ended(lease: RedisLease): void {
    this.#held.delete(lease);
    this.#wake(lease.key);
  }

  #wake(key: string): void {
    for (const wake of [...(this.#waiters.get(key) ?? [])]) wake();
  }

  #onMessage(raw: string): void {
    const message = decodeMessage(raw);
    if (!message || message.s === this.#id) return;
    const subscribed = this.connection.subscribed;
    switch (message.t) {
      case 'set':
        this.#local.bump(message.k, subscribed);
        if (message.f) this.#refusals.clear(message.k, message.f);
        break;
      case 'del':
        this.#local.bump(message.k, subscribed);
        break;
      case 'ref':
        if (message.f) this.#refusals.add(message.k, message.f);
        this.#local.bump(message.k, subscribed);
        break;
      case 'rel':
        this.#wake(message.k);
        break;
    }
  }

  ready(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.connection.ready(options.signal);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await Promise.allSettled([...this.#held].map((lease) => lease.release()));
    this.connection.close();
    for (const key of [...this.#waiters.keys()]) this.#wake(key);
    const own = this.#ownClient;
    if (!own) return;
    if (!own.isOpen) return;
    if (!own.isReady) {
      own.destroy();
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const graceful = own.close().catch(() => own.destroy());
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        own.destroy();
        resolve();
      }, CLOSE_GRACE_MS);
    });
    await Promise.race([graceful, forced]);
    clearTimeout(timer);
  }
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.generation === b.generation && a.epoch === b.epoch && a.subscribed === b.subscribed;
}
