import { describe, expectTypeOf, it } from 'vitest';
import { createSensuClient, type SensuEntity } from './index';

const client = createSensuClient({ auth: { username: 'admin', password: 'example-password' } });

describe('createSensuClient types', () => {
  it('types calls by path, test(), logout() and the entity iterator', async () => {
    const { data } = await client.GET('/api/core/v2/namespaces');
    expectTypeOf(data?.[0]?.name).toEqualTypeOf<string | undefined>();
    expectTypeOf(client.auth.test).returns.resolves.toBeBoolean();
    expectTypeOf(client.auth.logout).returns.resolves.toBeVoid();
    for await (const entity of client.iterateEntities('default', { limit: 10 })) {
      expectTypeOf(entity).toEqualTypeOf<SensuEntity>();
    }
  });

  it('rejects a wrong path, parameter or body at compile time', async () => {
    // @ts-expect-error: no such path
    await client.GET('/api/core/v2/namespace');
    // @ts-expect-error: the namespace path parameter is required
    await client.GET('/api/core/v2/namespaces/{namespace}/entities', { params: {} });
    // @ts-expect-error: refresh_token must be a string
    await client.POST('/auth/token', { body: { refresh_token: 42 } });
  });

  it('takes a username and password, or an API key', () => {
    createSensuClient({ auth: { apiKey: '7f4d2c1e-0000-4000-8000-000000000000' } });
    // @ts-expect-error: password is required with a username
    createSensuClient({ auth: { username: 'admin' } });
  });
});
