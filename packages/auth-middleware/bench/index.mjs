#!/usr/bin/env node
// `pnpm bench`: prints figures; asserts nothing. Runs against the built package (dist/).
//  1. Overhead: ops/s of a GET with a cached token through the auth layer vs bare
//     openapi-fetch, fetch stubbed (as openapi-fetch's own benchmark does), same run.
//  2. Concurrency: token-endpoint calls for 1,000 concurrent cold requests, and refresh
//     calls for 1,000 concurrent requests at expiry.
import createClient from 'openapi-fetch';
import { createTokenAuth, processOAuth2TokenResponse } from '../dist/index.js';

const BASE = 'https://api.example.test';
const TOKEN_URL = `${BASE}/oauth/token`;
const ok = () => new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });

function strategy(counts, delayMs = 0) {
  const grant = (kind) => ({
    async request(_input, context) {
      counts[kind]++;
      counts.inFlight++;
      counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      counts.inFlight--;
      const body = {
        access_token: `access-${counts.acquire}-${counts.refresh}`,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: `refresh-${counts.acquire}-${counts.refresh}`,
      };
      void context;
      return new Response(JSON.stringify(body), {
        headers: { 'content-type': 'application/json' },
      });
    },
    process: (response, _input, context) => processOAuth2TokenResponse(response, context.now),
  });
  return {
    name: 'bench',
    identity: [BASE, 'client'],
    secrets: ['bench-secret'],
    tokenUrls: [TOKEN_URL],
    acquire: grant('acquire'),
    refresh: grant('refresh'),
  };
}

async function opsPerSecond(client, iterations) {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await client.GET('/things');
  return iterations / ((performance.now() - start) / 1000);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function overhead() {
  const counts = { acquire: 0, refresh: 0, inFlight: 0, maxInFlight: 0 };
  const auth = createTokenAuth({ strategy: strategy(counts) });
  const bare = createClient({ baseUrl: BASE, fetch: async () => ok() });
  const wrapped = createClient({ baseUrl: BASE, fetch: auth.wrapFetch(async () => ok()) });
  const viaMiddleware = createClient({ baseUrl: BASE, fetch: async () => ok() });
  viaMiddleware.use(auth.middleware);
  // What any middleware costs in openapi-fetch (a Request id, the onRequest/onResponse loops).
  const noopMiddleware = createClient({ baseUrl: BASE, fetch: async () => ok() });
  noopMiddleware.use({ onRequest: () => undefined });
  const iterations = 20_000;
  // Warm up every path (and acquire the token once).
  for (const client of [bare, wrapped, viaMiddleware, noopMiddleware])
    await opsPerSecond(client, 5_000);
  const results = { bare: [], wrapped: [], middleware: [], noop: [] };
  for (let round = 0; round < 7; round++) {
    results.bare.push(await opsPerSecond(bare, iterations));
    results.wrapped.push(await opsPerSecond(wrapped, iterations));
    results.middleware.push(await opsPerSecond(viaMiddleware, iterations));
    results.noop.push(await opsPerSecond(noopMiddleware, iterations));
  }
  const bareOps = median(results.bare);
  const row = (label, ops) =>
    `  ${label.padEnd(34)} ${Math.round(ops).toLocaleString('en-US').padStart(9)} ops/s   ratio ${(ops / bareOps).toFixed(3)}   overhead ${((1 - ops / bareOps) * 100).toFixed(1)}%`;
  console.log('Cached-token GET, fetch stubbed (median of 7 rounds x 20,000 requests):');
  console.log(row('bare openapi-fetch', bareOps));
  console.log(row('auth.wrapFetch (vendor clients)', median(results.wrapped)));
  console.log(row('client.use(auth.middleware)', median(results.middleware)));
  console.log(row('client.use(a no-op middleware)', median(results.noop)));
  console.log(`  token calls during the run: ${counts.acquire + counts.refresh} (goal: 1)`);
}

async function concurrency() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const counts = { acquire: 0, refresh: 0, inFlight: 0, maxInFlight: 0 };
  const auth = createTokenAuth({ strategy: strategy(counts, 20), clock: () => now });
  const client = createClient({ baseUrl: BASE, fetch: auth.wrapFetch(async () => ok()) });
  const burst = async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, () => client.GET('/things')),
    );
    return results.filter((r) => r.status === 'fulfilled' && r.value.response.ok).length;
  };
  const cold = await burst();
  console.log('1,000 concurrent requests:');
  console.log(
    `  cold start: ${cold} succeeded, token calls ${counts.acquire + counts.refresh} (goal: exactly 1)`,
  );
  now += 3600 * 1000; // past the expiry
  const before = counts.refresh;
  const atExpiry = await burst();
  console.log(
    `  at expiry:  ${atExpiry} succeeded, refresh calls ${counts.refresh - before}, new grants ${counts.acquire - 1} (goal: exactly 1 refresh)`,
  );
  console.log(`  most token calls in flight at once: ${counts.maxInFlight}`);
}

await overhead();
await concurrency();
