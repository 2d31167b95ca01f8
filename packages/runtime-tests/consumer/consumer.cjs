// Runs as CommonJS in a fresh project: Node >= 20.19 can require() the ESM packages.
const { createCloudLxClient } = require('@tokenwire/cloudlx');
const { createCloudCxClient } = require('@tokenwire/cloudcx');
const { createSensuClient } = require('@tokenwire/sensu');
const { startSandbox } = require('@tokenwire/sandbox');
const { createRedisStore } = require('@tokenwire/redis-store');

async function main() {
  const [lx, cx, se] = await Promise.all(
    ['cloudlx', 'cloudcx', 'sensu'].map((vendor) => startSandbox({ vendor, port: 0 })),
  );
  try {
    const { clientId, clientSecret } = lx.credentials;
    const cloudlx = createCloudLxClient({ baseUrl: lx.url, clientId, clientSecret });
    const cloudcx = createCloudCxClient({
      baseUrl: cx.url,
      auth: { apiKey: cx.credentials.apiKey },
    });
    const sensu = createSensuClient({ baseUrl: se.url, auth: { apiKey: se.credentials.apiKey } });
    const services = await cloudlx.GET('/api/services');
    const users = await cloudcx.GET('/openapi/v2/user/page', {
      params: { query: { pageIndex: 1 } },
    });
    const namespaces = await sensu.GET('/api/core/v2/namespaces');
    console.log(
      `cjs cloudlx ${services.response.status} ${services.data.services.length} services`,
    );
    console.log(`cjs cloudcx ${users.response.status} ${users.data.data.totalElements} users`);
    console.log(`cjs sensu ${namespaces.response.status} ${namespaces.data.length} namespaces`);
    console.log(`cjs redis-store loads: ${typeof createRedisStore === 'function'}`);
  } finally {
    await Promise.all([lx.close(), cx.close(), se.close()]);
  }
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
