import { describe, expectTypeOf, it } from 'vitest';
import { createCloudLxClient } from './index';

const client = createCloudLxClient({ clientId: 'id', clientSecret: 'secret' });

describe('createCloudLxClient types', () => {
  it('types calls by path and lets the client send the Accept header itself', async () => {
    const { data } = await client.GET('/api/services');
    expectTypeOf(data?.services[0]?.id).toEqualTypeOf<number | undefined>();
    // The version can still be chosen per call.
    await client.GET('/api/users', {
      params: { header: { Accept: 'application/vnd.cloudlx.v1+json' } },
    });
  });

  it('rejects a wrong path, method, parameter or body at compile time', async () => {
    // @ts-expect-error: no such path
    await client.GET('/api/service');
    // @ts-expect-error: the path has no POST
    await client.POST('/api/services');
    // @ts-expect-error: no such query parameter
    await client.GET('/api/services', { params: { query: { page: 1 } } });
    await client.POST('/api/oauth2/access-token', {
      // @ts-expect-error: grant_type must be client_credentials
      body: { grant_type: 'password', client_id: 'a', client_secret: 'b' },
    });
  });

  it('requires the credentials', () => {
    // @ts-expect-error: clientSecret is required
    createCloudLxClient({ clientId: 'id' });
    expectTypeOf(client.auth.getAccessToken).returns.resolves.toBeString();
  });
});
