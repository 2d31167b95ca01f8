import type { AuthLogger } from '@tokenwire/auth-middleware';
import {
  CommandDeadline,
  describeFailure,
  RedisStoreError,
  type RedisStoreErrorCode,
  type RedisStoreErrorEvent,
  type RedisStoreOperation,
} from './errors';
import { isNoScript, type LuaScript } from './scripts';

/**
 * The part of a node-redis client the store uses, so a client from `redis` or
 * `@redis/client`, v5 or v6, fits (a structural type: two copies of node-redis in one
 * install do not make the types clash). The store sends raw commands only; it does not
 * depend on the client's RESP version, modules or scripts.
 */
export interface RedisClientLike {
  /** Connected and ready for commands (node-redis' `isReady`). */
  readonly isReady: boolean;
  /** Sends one raw command (node-redis' `sendCommand`), with a per-command timeout in ms. */
  sendCommand(args: ReadonlyArray<string>, options?: { timeout?: number }): Promise<unknown>;
  /** A new client with the same options: the store subscribes on one of its own. */
  duplicate(): RedisSubscriberLike;
}

/** The part of node-redis' duplicate client the store uses for its subscription. */
export interface RedisSubscriberLike {
  /** Connected and ready (node-redis' `isReady`). */
  readonly isReady: boolean;
  /** Opens the connection. */
  connect(): Promise<unknown>;
  /** Subscribes `listener` to `channel`. */
  subscribe(
    channel: string,
    listener: (message: string, channel: string) => unknown,
  ): Promise<unknown>;
  /** Listens to the client's events (`error`, `ready`, `end`...). */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Closes the connection at once. */
  destroy(): void;
}

/** What the connection reports to the store. */
export interface ConnectionEvents {
  /** A message on the store's channel (raw; possibly not ours). */
  message(raw: string): void;
  /**
   * The channel is (re)subscribed, or Redis is back after an outage: messages may have
   * been missed, so local copies must not be trusted any more.
   */
  resynchronised(): void;
}

export interface ConnectionSettings {
  readonly client: RedisClientLike;
  readonly channel: string;
  readonly commandTimeoutMs: number;
  readonly logger: AuthLogger | undefined;
  readonly onError: ((event: RedisStoreErrorEvent) => void) | undefined;
  readonly events: ConnectionEvents;
}

/** While Redis is down, it is probed this often (in the background; requests never wait). */
const PROBE_INTERVAL_MS = 500;
/** One report per this window for the same failure. */
const REPORT_WINDOW_MS = 60_000;

class NotConnected extends Error {
  override name = 'NotConnected';
}

/** A reply with Buffers (a client with a Buffer type mapping) as strings. */
function normalise(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (Array.isArray(reply)) return reply.map(normalise);
  return reply;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The store's two connections (commands, and a duplicate subscribed to the invalidation
 * channel) and their health. Every command has a deadline; a connection failure or a
 * timeout starts an outage, reported once: until a background probe finds Redis answering
 * again, commands fail at once without touching the network, so no request waits on a dead
 * Redis. node-redis reconnects (and re-subscribes) by itself.
 */
export class RedisConnection {
  readonly #settings: ConnectionSettings;
  readonly #client: RedisClientLike;
  readonly #subscriber: RedisSubscriberLike;
  readonly #startedAt = Date.now();
  readonly #reported = new Map<string, number>();
  readonly #stateWaiters = new Set<() => void>();
  #everReady = false;
  #down = false;
  #downCode: RedisStoreErrorCode = 'REDIS_UNAVAILABLE';
  #probe: ReturnType<typeof setInterval> | undefined;
  #probing = false;
  #subscribedOnce = false;
  #subscribed = false;
  #closed = false;

  constructor(settings: ConnectionSettings) {
    this.#settings = settings;
    this.#client = settings.client;
    this.#subscriber = this.#client.duplicate();
    this.#startSubscriber();
  }

  /** Whether invalidation messages are being received right now. */
  get subscribed(): boolean {
    return this.#subscribed && this.#subscriber.isReady && !this.#closed;
  }

  /** Whether Redis is in use (connected, no outage under way). */
  get healthy(): boolean {
    return !this.#down && !this.#closed && this.#client.isReady;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Called by the owner of a client it opened: the client's own events. */
  attachOwnClient(client: { on(event: string, listener: (...args: unknown[]) => void): unknown }) {
    client.on('error', (error) => this.#connectionFailed('connect', error));
    client.on('ready', () => {
      this.#everReady = true;
      this.#probeNow();
      this.#notify();
    });
  }

  /** Resolves when both connections are up and the channel is subscribed. */
  async ready(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      if (this.#closed) {
        throw new RedisStoreError('STORE_CLOSED', 'connect', 'The Redis store was closed.');
      }
      if (this.healthy && this.subscribed) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#stateWaiters.delete(done);
          signal?.removeEventListener('abort', done);
          clearTimeout(timer);
          resolve();
        };
        // Also re-checked now and then: a user's client gives the store no events.
        const timer = setTimeout(done, 50);
        this.#stateWaiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** One command; rejects with a RedisStoreError (already reported) on any failure. */
  async send(
    operation: RedisStoreOperation,
    key: string | undefined,
    args: readonly string[],
  ): Promise<unknown> {
    await this.#admit(operation, key);
    try {
      return await this.#timed(args);
    } catch (error) {
      throw this.#failed(operation, key, error);
    }
  }

  /** Runs a Lua script by its SHA, loading it once when Redis does not have it. */
  async eval(
    operation: RedisStoreOperation,
    key: string | undefined,
    script: LuaScript,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    await this.#admit(operation, key);
    const tail = [String(keys.length), ...keys, ...args];
    try {
      try {
        return await this.#timed(['EVALSHA', script.sha, ...tail]);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return await this.#timed(['EVAL', script.source, ...tail]);
      }
    } catch (error) {
      throw this.#failed(operation, key, error);
    }
  }

  /** Reports a failure that is not Redis' (an unreadable value), at most once a minute per id. */
  report(event: RedisStoreErrorEvent, id: string): void {
    if (this.#shouldReport(id)) this.#emit(event);
  }

  /** Closes the subscriber (always the store's own) and stops probing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscribed = false;
    if (this.#probe) clearInterval(this.#probe);
    try {
      this.#subscriber.destroy();
    } catch {
      // Already gone.
    }
    this.#notify();
  }

  #startSubscriber(): void {
    const subscriber = this.#subscriber;
    subscriber.on('error', (error) => {
      // A lost connection also reads as not subscribed through isReady; 'ready' after the
      // reconnection (and re-subscription) sets it again.
      if (!subscriber.isReady) this.#subscribed = false;
      this.#connectionFailed('subscribe', error);
    });
    subscriber.on('end', () => {
      this.#subscribed = false;
    });
    subscriber.on('reconnecting', () => {
      this.#subscribed = false;
    });
    // node-redis re-subscribes before it says ready again.
    subscriber.on('ready', () => {
      if (!this.#subscribedOnce || this.#closed) return;
      this.#resubscribed();
    });
    subscriber
      .connect()
      .then(() =>
        subscriber.subscribe(this.#settings.channel, (message) =>
          this.#settings.events.message(message),
        ),
      )
      .then(() => {
        this.#subscribedOnce = true;
        this.#resubscribed();
      })
      .catch((error: unknown) => {
        if (!this.#closed) this.#failed('subscribe', undefined, error);
      });
  }

  #resubscribed(): void {
    this.#subscribed = true;
    this.#settings.events.resynchronised();
    this.#probeNow();
    this.#notify();
  }

  /** Lets a command through, or fails it at once (no network) while Redis is known down. */
  async #admit(operation: RedisStoreOperation, key: string | undefined): Promise<void> {
    if (this.#closed) {
      throw new RedisStoreError(
        'STORE_CLOSED',
        operation,
        "The Redis store was closed; going on with this process's own tokens.",
      );
    }
    if (!this.#client.isReady && !this.#everReady && !this.#down) {
      // Just created: give the first connection up to one command timeout.
      const deadline = this.#startedAt + this.#settings.commandTimeoutMs;
      while (!this.#client.isReady && Date.now() < deadline && !this.#closed) await sleep(10);
    }
    if (this.#client.isReady) this.#everReady = true;
    if (this.#down) {
      throw new RedisStoreError(
        this.#downCode,
        operation,
        "Redis is unreachable; going on with this process's own tokens until it is back.",
      );
    }
    if (!this.#client.isReady) throw this.#failed(operation, key, new NotConnected());
  }

  #timed(args: readonly string[]): Promise<unknown> {
    const ms = this.#settings.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new CommandDeadline()), ms);
      this.#client
        .sendCommand(args, { timeout: ms })
        .then((reply) => resolve(normalise(reply)), reject)
        .finally(() => clearTimeout(timer));
    });
  }

  /** Classifies and reports a failure; returns the error to reject with. */
  #failed(operation: RedisStoreOperation, key: string | undefined, error: unknown) {
    if (error instanceof RedisStoreError) return error;
    const { code, reason, message } =
      error instanceof NotConnected
        ? describeFailure(Object.assign(new Error(), { code: 'ENOTCONN' }), operation, 0)
        : describeFailure(error, operation, this.#settings.commandTimeoutMs);
    const event: RedisStoreErrorEvent = { code, operation, key, message };
    if (code === 'REDIS_UNAVAILABLE' || code === 'REDIS_TIMEOUT') this.#startOutage(event);
    else this.report(event, `${code}:${reason}`);
    return new RedisStoreError(code, operation, message);
  }

  #connectionFailed(operation: RedisStoreOperation, error: unknown): void {
    if (this.#closed) return;
    this.#failed(operation, undefined, error);
  }

  #startOutage(event: RedisStoreErrorEvent): void {
    if (this.#down || this.#closed) return;
    this.#down = true;
    this.#downCode = event.code;
    // Once per outage (and, should outages flap, once a minute).
    this.report(event, 'outage');
    this.#probe ??= setInterval(() => this.#probeNow(), PROBE_INTERVAL_MS);
    this.#probe.unref?.();
    this.#notify();
  }

  /** While down: a PING; when it answers and the channel is subscribed again, recovery. */
  #probeNow(): void {
    if (!this.#down || this.#probing || this.#closed) return;
    if (!this.#client.isReady || !this.#subscriber.isReady) return;
    this.#probing = true;
    this.#timed(['PING'])
      .then(() => this.#recover())
      .catch(() => {})
      .finally(() => {
        this.#probing = false;
      });
  }

  #recover(): void {
    if (!this.#down || this.#closed) return;
    this.#down = false;
    if (this.#probe) clearInterval(this.#probe);
    this.#probe = undefined;
    this.#reported.delete('outage');
    // Messages may have been lost during the outage.
    this.#settings.events.resynchronised();
    this.#log('info', 'Redis answers again; sharing tokens with the other processes again', {});
    this.#notify();
  }

  #shouldReport(id: string): boolean {
    const now = Date.now();
    const last = this.#reported.get(id);
    if (last !== undefined && now - last < REPORT_WINDOW_MS) return false;
    this.#reported.set(id, now);
    if (this.#reported.size > 100) {
      const oldest = this.#reported.keys().next();
      if (!oldest.done) this.#reported.delete(oldest.value);
    }
    return true;
  }

  #emit(event: RedisStoreErrorEvent): void {
    try {
      Promise.resolve(this.#settings.onError?.(event)).catch(() => {});
    } catch {
      // A hook that throws must not break the store.
    }
    this.#log('warn', event.message, {
      code: event.code,
      operation: event.operation,
      ...(event.key === undefined ? {} : { key: event.key }),
    });
  }

  #log(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void {
    try {
      Promise.resolve(
        this.#settings.logger?.[level]?.(`tokenwire: redis store: ${message}`, fields),
      ).catch(() => {});
    } catch {
      // Logging is best-effort.
    }
  }

  #notify(): void {
    for (const waiter of [...this.#stateWaiters]) waiter();
  }
}
