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
  // Each round measures every client back to back, in a rotating order, and compares it
  // with the bare client of the same round; the median of those ratios is reported, which
  // keeps the machine's drift (and the order) out of the figure.
  const clients = { bare, wrapped, middleware: viaMiddleware, noop: noopMiddleware };
  const ratios = { bare: [], wrapped: [], middleware: [], noop: [] };
  const rounds = 15;
  for (let round = 0; round < rounds; round++) {
    const names = Object.keys(clients);
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    const ops = {};
    for (const name of order) ops[name] = await opsPerSecond(clients[name], iterations);
    for (const name of names) {
      results[name].push(ops[name]);
      ratios[name].push(ops[name] / ops.bare);
    }
  }
  const row = (label, name) => {
    const ratio = median(ratios[name]);
    return `  ${label.padEnd(34)} ${Math.round(median(results[name])).toLocaleString('en-US').padStart(9)} ops/s   ratio ${ratio.toFixed(3)}   overhead ${((1 - ratio) * 100).toFixed(1)}%`;
  };
  console.log(
    `Cached-token GET, fetch stubbed (${rounds} rounds x ${iterations.toLocaleString('en-US')} requests; median ratio to bare in the same round):`,
  );
  console.log(row('bare openapi-fetch', 'bare'));
  console.log(row('auth.wrapFetch (vendor clients)', 'wrapped'));
  console.log(row('client.use(auth.middleware)', 'middleware'));
  console.log(row('client.use(a no-op middleware)', 'noop'));
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
