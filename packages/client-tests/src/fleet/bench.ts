// `pnpm bench` (this package): prints figures; asserts nothing. Needs Debian's redis-server.
//  1. Warm path: ops/s of a cached-token GET through createTokenAuth with the Redis store vs
//     the memory store (API fetch stubbed), same run, median of same-round ratios.
//  2. Fleets: token calls per expiry for 1, 8 and 32 processes against the CloudLX sandbox
//     (2 s tokens), on one Redis store vs one memory store per process.
import { createTokenAuth, MemoryTokenStore, type TokenStore } from '@tokenwire/auth-middleware';
import { createRedisStore } from '@tokenwire/redis-store';
import { startSandbox } from '@tokenwire/sandbox';
import createClient from 'openapi-fetch';
import { startFleet } from './fleet';
import { startRedis } from './redis-server';

const BASE = 'https://api.example.test';
const ok = () => new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** A strategy whose token endpoint is a function: one token, valid for an hour. */
function strategy() {
  const step = {
    request: async () =>
      new Response(
        JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 }),
        { headers: { 'content-type': 'application/json' } },
      ),
    process: async (response: Response, _input: unknown, { now }: { now: number }) => {
      await response.body?.cancel();
      return {
        accessToken: 'bench-token',
        tokenType: 'Bearer',
        expiresAt: now + 3_600_000,
        obtainedAt: now,
      };
    },
  };
  return {
    name: 'bench',
    identity: [BASE],
    secrets: [],
    tokenUrls: [`${BASE}/oauth/token`],
    acquire: step,
  };
}

async function warmPath(redisUrl: string): Promise<void> {
  const redisStore = createRedisStore({ url: redisUrl, prefix: 'bench:' });
  const clientOn = (store: TokenStore) =>
    createClient({
      baseUrl: BASE,
      fetch: createTokenAuth({ strategy: strategy(), store }).wrapFetch(async () => ok()),
    });
  const clients = { memory: clientOn(new MemoryTokenStore()), redis: clientOn(redisStore) };
  const opsPerSecond = async (client: ReturnType<typeof clientOn>, iterations: number) => {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) await client.GET('/things' as never);
    return iterations / ((performance.now() - start) / 1000);
  };
  for (const client of Object.values(clients)) await opsPerSecond(client, 3_000);
  const ratios: number[] = [];
  const ops = { memory: [] as number[], redis: [] as number[] };
  for (let round = 0; round < 11; round++) {
    const order = round % 2 ? (['redis', 'memory'] as const) : (['memory', 'redis'] as const);
    const measured = { memory: 0, redis: 0 };
    for (const name of order) measured[name] = await opsPerSecond(clients[name], 10_000);
    ops.memory.push(measured.memory);
    ops.redis.push(measured.redis);
    ratios.push(measured.redis / measured.memory);
  }
  await redisStore.close();
  console.log('Warm-token GET, API fetch stubbed (11 rounds x 10,000 requests):');
  console.log(
    `  memory store  ${Math.round(median(ops.memory)).toLocaleString('en-US').padStart(8)} ops/s`,
  );
  console.log(
    `  Redis store   ${Math.round(median(ops.redis)).toLocaleString('en-US').padStart(8)} ops/s`,
  );
  console.log(
    `  Redis store overhead: ${((1 - median(ratios)) * 100).toFixed(1)}% (goal: at most 5%)`,
  );
}

async function fleets(redisUrl: string): Promise<void> {
  const lifetime = 2;
  const sandbox = await startSandbox({
    vendor: 'cloudlx',
    port: 0,
    accessTokenTtlSeconds: lifetime,
  });
  console.log(`Fleets against the CloudLX sandbox, ${lifetime} s tokens, 8 s of traffic each:`);
  let run = 0;
  for (const size of [1, 8, 32]) {
    const figures: string[] = [];
    for (const shared of [true, false]) {
      sandbox.control.reset();
      const fleet = await startFleet(size, {
        vendor: 'cloudlx',
        url: sandbox.url,
        credentials: { ...sandbox.credentials },
        redisUrl: shared ? redisUrl : undefined,
        prefix: `bench-fleet:${++run}:`,
        durationMs: 8_000,
        pauseMs: 50,
      });
      const results = await fleet.results();
      const { primaryGrants, refreshes } = sandbox.control.counters();
      const seconds = Math.max(...results.map((r) => r.elapsedMs)) / 1000;
      const expiries = seconds / (lifetime / 2);
      figures.push(
        `${shared ? 'Redis store' : 'memory stores'} ${((primaryGrants + refreshes) / expiries).toFixed(2)} token calls per expiry`,
      );
    }
    console.log(`  ${String(size).padStart(2)} process(es): ${figures.join(';  ')}`);
  }
  await sandbox.close();
}

const redis = await startRedis();
try {
  await warmPath(redis.url);
  await fleets(redis.url);
} finally {
  await redis.stop();
}
