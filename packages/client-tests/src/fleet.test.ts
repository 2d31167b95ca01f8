// Fleets: 8 processes with the same credentials share one Redis store (a real redis-server)
// against each vendor's sandbox over loopback HTTP. Each run is bounded in time.
import { type RunningSandbox, startSandbox } from '@tokenwire/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet } from './fleet/fleet';
import type { WorkerConfig } from './fleet/protocol';
import { type RedisServer, startRedis } from './fleet/redis-server';
import { adapters } from './vendors';

const FLEET = 8;
const LIFETIME_S = 2;
const TRAFFIC_MS = 20_000;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe.each(adapters)('$vendor: a fleet of 8 processes on one Redis store', (adapter) => {
  const { vendor } = adapter;
  let sandbox: RunningSandbox;
  let run = 0;
  beforeAll(async () => {
    sandbox = await startSandbox({ vendor, port: 0, accessTokenTtlSeconds: LIFETIME_S });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  /** A worker config on a fresh key prefix, so runs do not see each other's tokens. */
  const config = (overrides: Partial<WorkerConfig> = {}): WorkerConfig => ({
    vendor,
    url: sandbox.url,
    credentials: { ...sandbox.credentials },
    redisUrl: redis.url,
    prefix: `fleet-test:${vendor}:${++run}:`,
    durationMs: TRAFFIC_MS,
    pauseMs: 20,
    ...overrides,
  });

  const tokenCounters = () => {
    const { primaryGrants, refreshes, reuseDetections, unauthorized } = sandbox.control.counters();
    return { primaryGrants, refreshes, reuseDetections, unauthorized };
  };

  it(
    `steady traffic with ${LIFETIME_S} s tokens: one grant and one renewal per expiry across the fleet, ~8x that on memory stores`,
    async () => {
      sandbox.control.reset();
      const shared = await startFleet(FLEET, config());
      const sharedResults = await shared.results();
      const onRedis = tokenCounters();

      sandbox.control.reset();
      const apart = await startFleet(FLEET, config({ redisUrl: undefined }));
      await apart.results();
      const onMemory = tokenCounters();

      const calls = sharedResults.reduce((sum, r) => sum + r.ok, 0);
      const seconds = Math.max(...sharedResults.map((r) => r.elapsedMs)) / 1000;
      // The token is renewed when half its lifetime is left (the skew is clamped to half).
      const expiries = seconds / (LIFETIME_S / 2);
      console.log(
        `[fleet ${vendor}] ${FLEET} processes, ${seconds.toFixed(1)} s, ${calls} calls: Redis store ` +
          `${onRedis.primaryGrants} grant(s) + ${onRedis.refreshes} refreshes (~${expiries.toFixed(1)} renewals due); ` +
          `memory stores ${onMemory.primaryGrants} grants + ${onMemory.refreshes} refreshes`,
      );
      expect(sharedResults).toHaveLength(FLEET);
      expect(sharedResults.every((r) => r.failed === 0)).toBe(true);
      expect(onRedis.primaryGrants).toBe(1);
      expect(Math.abs(onRedis.refreshes - expiries)).toBeLessThanOrEqual(1.5);
      expect(onRedis.reuseDetections).toBe(0);
      expect(onRedis.unauthorized).toBe(0);
      // Apart, every process renews on its own.
      expect(onMemory.primaryGrants).toBe(FLEET);
      expect(onMemory.refreshes).toBeGreaterThan(onRedis.refreshes * (FLEET - 2));
      if (vendor === 'sensu') {
        expect(sandbox.control.state().tokens.sessions).toBeGreaterThanOrEqual(1);
      }
    },
    3 * TRAFFIC_MS,
  );

  it('kill -9 of the lease holder mid-refresh: the others take over within the lease TTL, with no reuse', async () => {
    sandbox.control.reset();
    // Tokens that last: the only renewal is the one this test forces.
    sandbox.control.setLifetimes({ accessTokenTtlSeconds: 60 });
    const timeoutMs = 2_000; // the lease TTL is this plus 5 s
    const fleet = await startFleet(4, config({ durationMs: 25_000, timeoutMs }));
    while (tokenCounters().primaryGrants === 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The next token request (the refresh after the revocation) hangs, and is never
    // processed once its client dies: the refresh token it carried stays the live one.
    let holder: number | undefined;
    const killed = new Promise<number>((resolve) => {
      fleet.onTokenRequest((worker) => {
        if (holder !== undefined) return;
        holder = worker.index;
        setTimeout(() => {
          worker.process.kill('SIGKILL');
          resolve(performance.now());
        }, 300);
      });
    });
    sandbox.control.injectFault({ kind: 'hang', routes: 'token', count: 1 });
    sandbox.control.revokeAccessTokens();
    const killedAt = await killed;
    const tokenCalls = () => tokenCounters().primaryGrants + tokenCounters().refreshes;
    while (tokenCalls() < 2 && performance.now() - killedAt < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const recoveredIn = performance.now() - killedAt;
    fleet.stop();
    const results = await fleet.results();
    sandbox.control.setLifetimes({ accessTokenTtlSeconds: LIFETIME_S });
    console.log(
      `[fleet ${vendor}] lease holder killed mid-refresh; the fleet refreshed ${Math.round(recoveredIn)} ms later`,
    );
    const after = tokenCounters();
    expect(results).toHaveLength(3);
    // The first grant, then exactly one renewal (a refresh; CloudCX may re-grant) by the
    // process that took the lease over.
    expect(after.primaryGrants + after.refreshes).toBe(2);
    expect(recoveredIn).toBeLessThan(timeoutMs + 5_000 + 2_000);
    expect(after.reuseDetections).toBe(0);
    expect(results.every((r) => r.failed === 0)).toBe(true);
  }, 40_000);

  it('Redis stopped mid-run: every call keeps succeeding, and sharing resumes once it is back', async () => {
    sandbox.control.reset();
    const fleet = await startFleet(FLEET, config({ durationMs: 12_000 }));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await redis.start();
    // Give the fleet a moment to reconnect, then count the renewals of the last stretch.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const before = tokenCounters();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = tokenCounters();
    const results = await fleet.results();
    const renewals =
      after.refreshes + after.primaryGrants - before.refreshes - before.primaryGrants;
    console.log(
      `[fleet ${vendor}] Redis down 3 s: ${results.reduce((s, r) => s + r.failed, 0)} failed calls; ${renewals} renewals in the 3 s after it came back`,
    );
    expect(results).toHaveLength(FLEET);
    expect(results.every((r) => r.failed === 0)).toBe(true);
    // Shared again: about one renewal per second for the whole fleet, not eight.
    expect(renewals).toBeLessThanOrEqual(6);
  }, 40_000);

  it('a revocation: one renewal across the fleet, and at most one 401 per process', async () => {
    sandbox.control.reset();
    sandbox.control.setLifetimes({ accessTokenTtlSeconds: 60 });
    const fleet = await startFleet(FLEET, config({ durationMs: 6_000 }));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = tokenCounters();
    sandbox.control.revokeAccessTokens();
    const results = await fleet.results();
    const after = tokenCounters();
    sandbox.control.setLifetimes({ accessTokenTtlSeconds: LIFETIME_S });
    expect(results.every((r) => r.failed === 0)).toBe(true);
    expect(after.refreshes + after.primaryGrants - before.refreshes - before.primaryGrants).toBe(1);
    expect(results.every((r) => r.unauthorized <= 1)).toBe(true);
    expect(after.reuseDetections).toBe(0);
  }, 30_000);
});
