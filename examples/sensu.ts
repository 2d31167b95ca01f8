// Sensu Go: HTTP Basic exchanged for a 5-minute JWT, rotating refresh tokens handled for you.
// Run `pnpm sandbox` first, then `pnpm --filter @tokenwire/examples sensu`.
// Against a backend: set SENSU_BASE_URL and SENSU_USERNAME/SENSU_PASSWORD or SENSU_API_KEY.
import { createSensuClient } from '@tokenwire/sensu';

const env = process.env;
const sensu = createSensuClient({
  baseUrl: env.SENSU_BASE_URL ?? 'http://127.0.0.1:4022',
  auth: env.SENSU_API_KEY
    ? { apiKey: env.SENSU_API_KEY }
    : {
        username: env.SENSU_USERNAME ?? 'sandbox-admin',
        password: env.SENSU_PASSWORD ?? 'sandbox-password',
      },
});

const { data: namespaces, error, response } = await sensu.GET('/api/core/v2/namespaces');
if (error !== undefined)
  throw new Error(`GET /api/core/v2/namespaces answered ${response.status}: ${error}`);
console.log(`Sensu: namespaces ${namespaces.map((n) => n.name).join(', ')}`);

let count = 0;
for await (const entity of sensu.iterateEntities('default', { limit: 10 })) {
  if (count < 3)
    console.log(
      `  ${entity.metadata.name} (${entity.entity_class}), last seen ${entity.last_seen}`,
    );
  count++;
}
console.log(`Sensu: iterated ${count} entities in "default"`);
if (!env.SENSU_API_KEY) await sensu.auth.logout();
