#!/usr/bin/env node
// `pnpm bench`: prints figures; asserts nothing. Runs against the built package (dist/).
//  1. Overhead: ops/s of a GET with a cached token through the auth layer vs bare
//     openapi-fetch, fetch stubbed (as openapi-fetch's own benchmark does), same run; and
//     the layer with retries and the per-attempt timeout off (each alone, then both), to
//     show what they cost on the happy path; the same comparison over loopback HTTP.
//  2. Concurrency: token-endpoint calls for 1,000 concurrent cold requests, and refresh
//     calls for 1,000 concurrent requests at expiry.
import { createServer } from 'node:http';
import createClient from 'openapi-fetch';
import { createTokenAuth } from '../dist/index.js';
import { processOAuth2TokenResponse } from '../dist/vendor-kit.js';

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
    process: (response, _input, context) => processOAuth2TokenResponse(response, context),
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
  // The same layer with retries and the per-attempt timeout turned off: what they cost.
  const plainAuth = createTokenAuth({
    strategy: strategy(counts),
    retry: false,
    requestTimeoutMs: false,
  });
  const plain = createClient({ baseUrl: BASE, fetch: plainAuth.wrapFetch(async () => ok()) });
  const layer = (options) =>
    createClient({
      baseUrl: BASE,
      fetch: createTokenAuth({ strategy: strategy(counts), ...options }).wrapFetch(async () =>
        ok(),
      ),
    });
  const retriesOnly = layer({ requestTimeoutMs: false });
  const timeoutOnly = layer({ retry: false });
  const viaMiddleware = createClient({ baseUrl: BASE, fetch: async () => ok() });
  viaMiddleware.use(auth.middleware);
  // What any middleware costs in openapi-fetch (a Request id, the onRequest/onResponse loops).
  const noopMiddleware = createClient({ baseUrl: BASE, fetch: async () => ok() });
  noopMiddleware.use({ onRequest: () => undefined });
  const iterations = 20_000;
  // Warm up every path (and acquire the token once).
  const clients = {
    bare,
    wrapped,
    plain,
    retriesOnly,
    timeoutOnly,
    middleware: viaMiddleware,
    noop: noopMiddleware,
  };
  for (const client of Object.values(clients)) await opsPerSecond(client, 5_000);
  const names = Object.keys(clients);
  const results = Object.fromEntries(names.map((name) => [name, []]));
  // Each round measures every client back to back, in a rotating order, and compares it
  // with the bare client of the same round; the median of those ratios is reported, which
  // keeps the machine's drift (and the order) out of the figure.
  const ratios = Object.fromEntries(names.map((name) => [name, []]));
  // Per round, each resilience variant against the layer with both off: [ratio, µs added].
  const costs = { wrapped: [], retriesOnly: [], timeoutOnly: [] };
  const rounds = 15;
  for (let round = 0; round < rounds; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    const ops = {};
    for (const name of order) ops[name] = await opsPerSecond(clients[name], iterations);
    for (const name of names) {
      results[name].push(ops[name]);
      ratios[name].push(ops[name] / ops.bare);
    }
    for (const name of Object.keys(costs)) {
      costs[name].push([ops[name] / ops.plain, 1e6 / ops[name] - 1e6 / ops.plain]);
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
  console.log(row('auth.wrapFetch, retry+timeout off', 'plain'));
  console.log(row('client.use(auth.middleware)', 'middleware'));
  console.log(row('client.use(a no-op middleware)', 'noop'));
  console.log(
    '  on the happy path, against the layer with retry: false, requestTimeoutMs: false (medians of the same-round figures):',
  );
  const costRow = (label, name) => {
    const ratio = median(costs[name].map(([r]) => r));
    const micros = median(costs[name].map(([, us]) => us));
    console.log(
      `    ${label.padEnd(32)} ${((1 - ratio) * 100).toFixed(1).padStart(5)}%   ${micros.toFixed(1).padStart(5)} µs per call`,
    );
  };
  costRow('retries alone', 'retriesOnly');
  costRow('per-attempt timeout alone', 'timeoutOnly');
  costRow('both (the defaults)', 'wrapped');
  console.log(
    `  token calls during the run: ${counts.acquire + counts.refresh} (goal: 4, one per auth layer)`,
  );
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

/**
 * The same comparison over real loopback HTTP (keep-alive), where a request costs what it
 * costs in production: the layer with its defaults vs with retries and timeout off.
 */
async function loopback() {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const counts = { acquire: 0, refresh: 0, inFlight: 0, maxInFlight: 0 };
  const send = (request, init) => fetch(request, init);
  const make = (options) =>
    createClient({
      baseUrl: base,
      fetch: createTokenAuth({ strategy: strategy(counts), ...options }).wrapFetch(send),
    });
  const clients = { defaults: make({}), off: make({ retry: false, requestTimeoutMs: false }) };
  const iterations = 1_000;
  // Many short rounds, each pairing the two in alternating order: the median ratio then
  // holds still on a noisy machine where one long round would not.
  const rounds = 21;
  for (const client of Object.values(clients)) await opsPerSecond(client, 500);
  const ratios = [];
  const added = [];
  const ops = { defaults: [], off: [] };
  for (let round = 0; round < rounds; round++) {
    const names = round % 2 ? ['off', 'defaults'] : ['defaults', 'off'];
    const measured = {};
    for (const name of names) measured[name] = await opsPerSecond(clients[name], iterations);
    for (const name of names) ops[name].push(measured[name]);
    ratios.push(measured.defaults / measured.off);
    added.push(1e6 / measured.defaults - 1e6 / measured.off);
  }
  server.close();
  console.log(
    `Cached-token GET over loopback HTTP (${rounds} rounds x ${iterations.toLocaleString('en-US')} sequential requests):`,
  );
  console.log(
    `  retry + timeout on (defaults)      ${Math.round(median(ops.defaults)).toLocaleString('en-US').padStart(9)} ops/s`,
  );
  console.log(
    `  retry + timeout off                ${Math.round(median(ops.off)).toLocaleString('en-US').padStart(9)} ops/s`,
  );
  console.log(
    `  retries + per-attempt timeout on the happy path: ${((1 - median(ratios)) * 100).toFixed(1)}%, ${median(added).toFixed(1)} µs per call (medians of the same-round figures)`,
  );
}

await overhead();
await loopback();
await concurrency();
