import { describe, expectTypeOf, it } from 'vitest';
import { type CloudCxUser, createCloudCxClient } from './index';

const client = createCloudCxClient({ baseUrl: 'https://cx.example.test', auth: { apiKey: 'key' } });

describe('createCloudCxClient types', () => {
  it('types calls by path, and the user iterator', async () => {
    const { data } = await client.GET('/openapi/v2/user/page', {
      params: { query: { pageIndex: 1 } },
    });
    expectTypeOf(data?.code).toEqualTypeOf<string | undefined>();
    for await (const user of client.iterateUsers({ pageSize: 10 })) {
      expectTypeOf(user).toEqualTypeOf<CloudCxUser>();
    }
  });

  it('rejects a wrong path, parameter or body at compile time', async () => {
    // @ts-expect-error: no such path
    await client.GET('/openapi/v2/users');
    // @ts-expect-error: pageIndex is a number
    await client.GET('/openapi/v2/user/page', { params: { query: { pageIndex: 'one' } } });
    await client.POST('/oauth/token', {
      // @ts-expect-error: the password grant needs username and password
      body: { grant_type: 'password', client_id: 'a', client_secret: 'b' },
    });
  });

  it('requires a baseUrl and one kind of credentials', () => {
    // @ts-expect-error: baseUrl is required (each tenant has its own origin)
    createCloudCxClient({ auth: { apiKey: 'key' } });
    createCloudCxClient({
      baseUrl: 'https://cx.example.test',
      // @ts-expect-error: the password grant needs every field
      auth: { clientId: 'a', username: 'u' },
    });
  });
});
