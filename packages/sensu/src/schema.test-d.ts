import { describe, expectTypeOf, it } from 'vitest';
import type { components, paths } from './index';

type AuthOk = paths['/auth']['get']['responses'][200]['content']['application/json'];
type RefreshOp = paths['/auth/token']['post'];
type Entities = paths['/api/core/v2/namespaces/{namespace}/entities']['get'];

describe('generated Sensu types', () => {
  it('types expires_at as an absolute number of epoch seconds', () => {
    expectTypeOf<AuthOk['expires_at']>().toEqualTypeOf<number>();
    expectTypeOf<AuthOk['access_token']>().toEqualTypeOf<string>();
    expectTypeOf<AuthOk['refresh_token']>().toEqualTypeOf<string>();
    expectTypeOf<
      RefreshOp['responses'][200]['content']['application/json']
    >().toEqualTypeOf<AuthOk>();
  });

  it('takes the refresh token as a JSON body', () => {
    type Body = RefreshOp['requestBody']['content'];
    expectTypeOf<keyof Body>().toEqualTypeOf<'application/json'>();
    expectTypeOf<Body['application/json']['refresh_token']>().toEqualTypeOf<string>();
  });

  it('answers auth failures as text/plain', () => {
    type Unauthorized = paths['/auth']['get']['responses'][401]['content'];
    expectTypeOf<keyof Unauthorized>().toEqualTypeOf<'text/plain'>();
    expectTypeOf<Unauthorized['text/plain']>().toEqualTypeOf<string>();
  });

  it('pages entities with limit/continue and the Sensu-Continue header', () => {
    type Query = NonNullable<Entities['parameters']['query']>;
    expectTypeOf<Query['limit']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Query['continue']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Entities['parameters']['path']>().toEqualTypeOf<{ namespace: string }>();
    expectTypeOf<Entities['responses'][200]['headers']>().toHaveProperty('Sensu-Continue');
    expectTypeOf<Entities['responses'][200]['content']['application/json']>().toEqualTypeOf<
      components['schemas']['Entity'][]
    >();
  });
});
