// One process of a fleet: a vendor client on a shared Redis store (or its own memory store),
// calling the sandbox in a loop until told to stop or its duration ends.
import { AuthError, MemoryTokenStore, type TokenStore } from '@tokenwire/auth-middleware';
import { createRedisStore } from '@tokenwire/redis-store';
import { adapters } from '../vendors';
import type { ParentMessage, WorkerConfig, WorkerMessage, WorkerResult } from './protocol';

const config = JSON.parse(process.env.FLEET_CONFIG ?? '{}') as WorkerConfig;
const send = (message: WorkerMessage) => process.send?.(message);
const adapter = adapters.find((candidate) => candidate.vendor === config.vendor);
if (!adapter) throw new Error(`unknown vendor ${config.vendor}`);

const redis = config.redisUrl
  ? createRedisStore({
      url: config.redisUrl,
      ...(config.prefix ? { prefix: config.prefix } : {}),
      ...(config.encryptionKey ? { encryptionKey: config.encryptionKey } : {}),
    })
  : undefined;
const store: TokenStore = redis ?? new MemoryTokenStore();
const result: WorkerResult = { ok: 0, failed: 0, errors: {}, unauthorized: 0, elapsedMs: 0 };
let resourcePath = '';
const client = adapter.client(
  {
    url: config.url,
    allowInsecureHttp: false,
    credentials: config.credentials,
    fetch: async (request, init) => {
      const { pathname } = new URL(request.url);
      if (pathname !== resourcePath) send({ type: 'token-request', path: pathname });
      const response = await fetch(request, init);
      if (response.status === 401) result.unauthorized += 1;
      return response;
    },
  },
  { store, ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }) },
);
resourcePath = client.resourcePath;

let stopping = false;
process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') void run();
  if (message.type === 'stop') stopping = true;
});
send({ type: 'ready' });

async function run(): Promise<void> {
  const started = performance.now();
  while (!stopping && performance.now() - started < config.durationMs) {
    try {
      const response = await client.getResource();
      if (response.ok) result.ok += 1;
      else {
        result.failed += 1;
        result.errors[`HTTP_${response.status}`] =
          (result.errors[`HTTP_${response.status}`] ?? 0) + 1;
      }
    } catch (error) {
      result.failed += 1;
      const code = error instanceof AuthError ? error.code : String(error);
      result.errors[code] = (result.errors[code] ?? 0) + 1;
    }
    await new Promise((resolve) => setTimeout(resolve, config.pauseMs));
  }
  result.elapsedMs = performance.now() - started;
  await redis?.close();
  send({ type: 'done', result });
  process.disconnect();
}
