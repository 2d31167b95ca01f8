#!/usr/bin/env node
// `pnpm --filter @tokenwire/sandbox bench`: authenticated GET /api/services against one
// CloudLX sandbox process on loopback, with autocannon. Prints requests/s and latency.
// Bounded: BENCH_DURATION seconds (default 10) with BENCH_CONNECTIONS connections (50).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const accept = 'application/vnd.cloudlx.v1+json';

const server = fork(new URL('./server.mjs', import.meta.url), { stdio: 'inherit' });
try {
  const [{ url, credentials }] = await once(server, 'message');
  const tokenResponse = await fetch(`${url}/api/oauth2/access-token`, {
    method: 'POST',
    headers: { accept, 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }),
  });
  if (tokenResponse.status !== 200)
    throw new Error(`token request answered ${tokenResponse.status}`);
  const { access_token: accessToken } = await tokenResponse.json();
  const target = {
    url: `${url}/api/services`,
    headers: { accept, authorization: `Bearer ${accessToken}` },
    connections,
  };

  // Warm the JIT up first, so the measured run reflects the steady state.
  await autocannon({ ...target, duration: 2 });
  const result = await autocannon({ ...target, duration });

  const ok = result['2xx'];
  const failures = result.non2xx + result.errors + result.timeouts;
  console.log(
    `GET /api/services (valid bearer), ${connections} connections, ${duration} s, loopback`,
  );
  console.log(
    `  requests/s   avg ${Math.round(result.requests.average)}   (p50 ${result.requests.p50}, min ${result.requests.min})`,
  );
  console.log(
    `  latency ms   p50 ${result.latency.p50}   p99 ${result.latency.p99}   max ${result.latency.max}`,
  );
  console.log(
    `  responses    ${ok} ok, ${failures} not ok (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`,
  );
  if (failures > 0) process.exitCode = 1;
} finally {
  server.kill('SIGTERM');
}
