/**
 * Test fixture, never exported from index.ts: a real redis-server on 127.0.0.1, on a free
 * port, without persistence; stoppable and restartable on the same port (an outage).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient, type RedisClientType } from '@redis/client';

const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** Every redis-server started here, killed when the test process exits, whatever happened. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A port nothing listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Answers PING within `timeoutMs`, or throws. */
async function waitForPing(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `redis-server exited (${child.exitCode ?? child.signalCode}) before answering PING.`,
      );
    }
    const client = createClient({
      socket: { host: '127.0.0.1', port, reconnectStrategy: false, connectTimeout: 500 },
    });
    client.on('error', () => {});
    try {
      await client.connect();
      // A PING that gets no answer is tried again, never waited on for ever.
      const pong = await Promise.race([
        client.ping(),
        new Promise((resolve) => setTimeout(resolve, 500, 'no answer')),
      ]);
      if (pong === 'PONG') return;
    } catch {
      // Not listening yet.
    } finally {
      client.destroy();
    }
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} never answered PING.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One redis-server process, started and stopped by the test. */
export class RedisServer {
  readonly port: number;
  #child: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  /** Starts redis-server on a free port and waits until it answers PING. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    const child = this.#child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** (Re)starts it on the same port, empty. */
  async restart(): Promise<void> {
    if (this.running) return;
    const child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore' },
    );
    this.#child = child;
    children.add(child);
    child.once('exit', () => children.delete(child));
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(
          new Error(
            `Could not start ${REDIS_SERVER} (${error.message}); install it (Debian: apt-get install redis-server) or set REDIS_SERVER.`,
          ),
        ),
      );
    });
    await spawned;
    await waitForPing(this.port, child);
  }

  /** Stops it (SIGKILL: an abrupt outage) and waits until the process is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Pauses it (SIGSTOP): connections stay open, nothing answers. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** A plain client for looking at what the store wrote (the test closes it). */
  async plainClient(): Promise<RedisClientType> {
    const client: RedisClientType = createClient({ url: this.url });
    client.on('error', () => {});
    await client.connect();
    return client;
  }
}
