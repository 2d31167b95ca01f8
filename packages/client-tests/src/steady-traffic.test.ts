import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTarget, type Target } from './vendors';

const DURATION_MS = 30_000;
const WORKERS = 8;

describe.concurrent.each(adapters)('$vendor client, 1-second tokens', (adapter) => {
  let target: Target;
  beforeAll(async () => {
    target = await openTarget(adapter.vendor, 'http', {
      accessTokenTtlSeconds: 1,
      refreshTokenTtlSeconds: 10,
    });
  });
  afterAll(async () => {
    await target.close();
  });

  it('30 seconds of steady concurrent traffic: zero failed calls', {
    timeout: DURATION_MS + 30_000,
  }, async () => {
    const client = adapter.client(target);
    const failures: string[] = [];
    let calls = 0;
    const until = Date.now() + DURATION_MS;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (Date.now() < until) {
          try {
            const response = await client.getResource();
            calls++;
            if (response.status !== 200) failures.push(`HTTP ${response.status}`);
          } catch (error) {
            failures.push(String(error));
          }
        }
      }),
    );
    const counters = target.control.counters();
    console.log(
      `[${adapter.vendor}] ${calls} calls in ${DURATION_MS / 1000} s with 1 s tokens: ${failures.length} failed; ` +
        `primary grants ${counters.primaryGrants}, refreshes ${counters.refreshes}, ` +
        `401s ${counters.unauthorized}, reuse detections ${counters.reuseDetections}`,
    );
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(100);
    // The tokens really did expire and get renewed along the way.
    expect(counters.primaryGrants + counters.refreshes).toBeGreaterThan(10);
    expect(counters.reuseDetections).toBe(0);
  });
});
