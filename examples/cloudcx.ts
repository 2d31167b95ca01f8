// CloudCX: OAuth2 password grant or an API key; `code` envelopes checked for you.
// Run `pnpm sandbox` first, then `pnpm --filter @tokenwire/examples cloudcx`.
// Against your tenant: set CLOUDCX_BASE_URL and either CLOUDCX_API_KEY or
// CLOUDCX_CLIENT_ID, CLOUDCX_CLIENT_SECRET, CLOUDCX_USERNAME and CLOUDCX_PASSWORD.
import { CloudCxApiError, createCloudCxClient } from '@tokenwire/cloudcx';

const env = process.env;
const cloudcx = createCloudCxClient({
  baseUrl: env.CLOUDCX_BASE_URL ?? 'http://127.0.0.1:4021',
  auth: env.CLOUDCX_API_KEY
    ? { apiKey: env.CLOUDCX_API_KEY }
    : {
        clientId: env.CLOUDCX_CLIENT_ID ?? 'sandbox-cloudcx-client',
        clientSecret: env.CLOUDCX_CLIENT_SECRET ?? 'sandbox-cloudcx-client-secret',
        username: env.CLOUDCX_USERNAME ?? 'sandbox-admin',
        password: env.CLOUDCX_PASSWORD ?? 'sandbox-password',
      },
});

try {
  const { data } = await cloudcx.GET('/openapi/v2/user/page', {
    params: { query: { pageIndex: 1, pageSize: 5 } },
  });
  console.log(
    `CloudCX: page 1 of ${data?.data?.totalPages}, ${data?.data?.totalElements} users in all`,
  );

  // Every user, page after page (pageIndex is 1-based).
  let count = 0;
  for await (const user of cloudcx.iterateUsers({ pageSize: 25 })) {
    if (count < 3)
      console.log(
        `  ${user.loginCode}: ${user.firstName} ${user.lastName} [${user.roles.join(', ')}]`,
      );
    count++;
  }
  console.log(`CloudCX: iterated ${count} users`);
} catch (error) {
  // An envelope whose code is not "0000" never passes as data: it rejects like this.
  if (error instanceof CloudCxApiError)
    console.error(`CloudCX said ${error.code}: ${error.vendorMessage}`);
  throw error;
}
