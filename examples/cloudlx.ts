// CloudLX: OAuth2 client credentials, tokens handled by the client.
// Run `pnpm sandbox` first, then `pnpm --filter @tokenwire/examples cloudlx`.
// Against the real service: set CLOUDLX_BASE_URL, CLOUDLX_CLIENT_ID and CLOUDLX_CLIENT_SECRET.
import { AuthError, createCloudLxClient } from '@tokenwire/cloudlx';

const cloudlx = createCloudLxClient({
  baseUrl: process.env.CLOUDLX_BASE_URL ?? 'http://127.0.0.1:4020',
  clientId: process.env.CLOUDLX_CLIENT_ID ?? 'sandboxCloudlxClientId000000000000000000',
  clientSecret: process.env.CLOUDLX_CLIENT_SECRET ?? 'sandboxCloudlxClientSecret00000000000000',
});

try {
  const { data, error, response } = await cloudlx.GET('/api/services');
  if (!data)
    throw new Error(`GET /api/services answered ${response.status}: ${JSON.stringify(error)}`);
  console.log(`CloudLX: ${data.services.length} services`);
  for (const service of data.services.slice(0, 3)) {
    console.log(`  #${service.id} ${service.name} (${service.bandwidth} Mbps)`);
  }
  const users = await cloudlx.GET('/api/users');
  console.log(`CloudLX: ${users.data?.users.length ?? 0} users`);
} catch (error) {
  // Token problems are typed, with a stable code, and never contain a secret.
  if (error instanceof AuthError)
    console.error(`CloudLX auth failed [${error.code}]: ${error.message}`);
  throw error;
}
