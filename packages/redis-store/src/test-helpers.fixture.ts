/** Test fixture, never exported from index.ts: stores that tests close, a MONITOR recorder. */
import type { RedisClientType } from '@redis/client';
import type { TokenSet } from '@tokenwire/auth-middleware';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { RedisStoreErrorEvent } from './errors';
import { RedisServer } from './redis-server.fixture';
import { createRedisStore, type RedisStoreOptions, type RedisTokenStore } from './redis-store';

/** A logger that records what it was told. */
export function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] =
    [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn') } };
}

type StoreExtras = Omit<RedisStoreOptions, 'url' | 'client'>;

/** Opens stores on one server and closes them all in `closeAll` (afterEach). */
export class StoreFactory {
  readonly #server: RedisServer;
  readonly #stores: RedisTokenStore[] = [];
  readonly errors: RedisStoreErrorEvent[] = [];

  constructor(server: RedisServer) {
    this.#server = server;
  }

  /** A store with its own connections (standing in for one process), ready. */
  async open(options: StoreExtras = {}): Promise<RedisTokenStore> {
    const store = createRedisStore({
      url: this.#server.url,
      onError: (event) => this.errors.push(event),
      ...options,
    });
    this.#stores.push(store);
    await store.ready({ signal: AbortSignal.timeout(5_000) });
    return store;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#stores.splice(0).map((store) => store.close()));
    this.errors.length = 0;
  }
}

/** Records every command Redis receives (MONITOR), to assert that none was sent. */
export class CommandRecorder {
  readonly lines: string[] = [];
  readonly #monitor: RedisClientType;
  readonly #other: RedisClientType;

  private constructor(monitor: RedisClientType, other: RedisClientType) {
    this.#monitor = monitor;
    this.#other = other;
  }

  static async start(server: RedisServer): Promise<CommandRecorder> {
    const monitor = await server.plainClient();
    const other = await server.plainClient();
    const recorder = new CommandRecorder(monitor, other);
    await monitor.monitor((line) => recorder.lines.push(String(line)));
    return recorder;
  }

  /** Waits until every command sent before now has shown up (a marker sent last is seen). */
  async settle(): Promise<void> {
    const marker = `marker-${Math.random()}`;
    await this.#other.sendCommand(['ECHO', marker]);
    for (let i = 0; i < 200 && !this.lines.some((line) => line.includes(marker)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The commands sent by clients (not those run inside a script) that mention `text`. */
  mentioning(text: string): string[] {
    return this.lines.filter((line) => line.includes(text) && !line.includes(' lua]'));
  }

  async stop(): Promise<void> {
    this.#monitor.destroy();
    this.#other.destroy();
  }
}

/** Waits (polling, bounded) until `condition` holds. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A token set expiring `inMs` from now. */
export function tokens(name: string, inMs = 3_600_000, refresh = true): TokenSet {
  const now = Date.now();
  return {
    accessToken: `access-${name}`,
    ...(refresh ? { refreshToken: `refresh-${name}` } : {}),
    expiresAt: now + inMs,
    obtainedAt: now,
    tokenType: 'Bearer',
  };
}

/** What a test file needs of its Redis: the server, a plain client, and a store factory. */
export interface RedisContext {
  server: RedisServer;
  plain: RedisClientType;
  stores: StoreFactory;
}

/**
 * Starts one redis-server for the test file and hands its context to `use`; between tests,
 * closes the stores the test opened and empties Redis; at the end, stops the server.
 */
export function useRedis(use: (context: RedisContext) => void): void {
  let context: RedisContext | undefined;
  beforeAll(async () => {
    const server = await RedisServer.start();
    const plain = await server.plainClient();
    context = { server, plain, stores: new StoreFactory(server) };
    use(context);
  });
  afterEach(async () => {
    await context?.stores.closeAll();
    await context?.plain.flushAll();
  });
  afterAll(async () => {
    context?.plain.destroy();
    await context?.server.stop();
  });
}
