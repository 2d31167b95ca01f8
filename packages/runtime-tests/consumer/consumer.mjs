// Runs as plain ESM in a fresh project: every vendor authenticates against its sandbox and
// answers a typed call.
import { InvalidOptionsError } from '@tokenwire/auth-middleware';
import { baseUrlOption } from '@tokenwire/auth-middleware/vendor-kit';
import { createCloudCxClient } from '@tokenwire/cloudcx';
import { createCloudLxClient } from '@tokenwire/cloudlx';
import { createRedisStore, RedisStoreError } from '@tokenwire/redis-store';
import { startSandbox } from '@tokenwire/sandbox';
import { createSensuClient } from '@tokenwire/sensu';

const [lx, cx, se] = await Promise.all(
  ['cloudlx', 'cloudcx', 'sensu'].map((vendor) => startSandbox({ vendor, port: 0 })),
);
try {
  const { clientId, clientSecret } = lx.credentials;
  const cloudlx = createCloudLxClient({ baseUrl: lx.url, clientId, clientSecret });
  const { apiKey: _key, ...password } = cx.credentials;
  const cloudcx = createCloudCxClient({ baseUrl: cx.url, auth: password });
  const sensu = createSensuClient({
    baseUrl: se.url,
    auth: { username: se.credentials.username, password: se.credentials.password },
  });
  const services = await cloudlx.GET('/api/services');
  const users = await cloudcx.GET('/openapi/v2/user/page', { params: { query: { pageIndex: 1 } } });
  const namespaces = await sensu.GET('/api/core/v2/namespaces');
  console.log(`esm cloudlx ${services.response.status} ${services.data.services.length} services`);
  console.log(`esm cloudcx ${users.response.status} ${users.data.data.totalElements} users`);
  console.log(`esm sensu ${namespaces.response.status} ${namespaces.data.length} namespaces`);
  // The vendor-kit subpath throws the main entry's error classes (one shared chunk).
  try {
    baseUrlOption('not a url');
  } catch (error) {
    console.log(
      `esm vendor-kit error is InvalidOptionsError: ${error instanceof InvalidOptionsError}`,
    );
  }
} finally {
  await Promise.all([lx.close(), cx.close(), se.close()]);
}

// Nothing listens on 127.0.0.1:1: the Redis store fails open (get answers, lease rejects).
const store = createRedisStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 });
const nothing = await store.get('key');
const leaseError = await store.coordination
  .lease('key', { ttlMs: 1_000, signal: AbortSignal.timeout(1_000) })
  .catch((error) => error);
await store.close();
console.log(
  `esm redis-store fails open without Redis: ${nothing === undefined && leaseError instanceof RedisStoreError}`,
);
