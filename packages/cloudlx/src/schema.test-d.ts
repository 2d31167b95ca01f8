import { describe, expectTypeOf, it } from 'vitest';
import type { components, paths } from './index';

type AccessToken = paths['/api/oauth2/access-token']['post'];
type Refresh = paths['/api/oauth2/refresh-token']['post'];
type Token = AccessToken['responses'][200]['content']['application/json'];

describe('generated CloudLX types', () => {
  it('types refresh_token as a string (the vendor page wrongly says Integer)', () => {
    expectTypeOf<Token['refresh_token']>().toEqualTypeOf<string>();
    expectTypeOf<Token['expires_in']>().toEqualTypeOf<number>();
    expectTypeOf<Token['token_type']>().toEqualTypeOf<'Bearer'>();
    expectTypeOf<Refresh['responses'][200]['content']['application/json']>().toEqualTypeOf<
      components['schemas']['TokenResponse']
    >();
  });

  it('accepts the token requests both as a form and as JSON', () => {
    type Bodies = AccessToken['requestBody']['content'];
    expectTypeOf<keyof Bodies>().toEqualTypeOf<
      'application/x-www-form-urlencoded' | 'application/json'
    >();
    expectTypeOf<Bodies['application/json']['grant_type']>().toEqualTypeOf<'client_credentials'>();
    type RefreshBody = Refresh['requestBody']['content']['application/x-www-form-urlencoded'];
    expectTypeOf<RefreshBody['grant_type']>().toEqualTypeOf<'refresh_token'>();
    expectTypeOf<RefreshBody['refresh_token']>().toEqualTypeOf<string>();
  });

  it('requires the vendor Accept header on every operation', () => {
    expectTypeOf<AccessToken['parameters']['header']>().toEqualTypeOf<{ Accept: string }>();
    expectTypeOf<paths['/api/services']['get']['parameters']['header']>().toEqualTypeOf<{
      Accept: string;
    }>();
  });

  it('wraps resource lists in a key named after the resource', () => {
    type Services = paths['/api/services']['get']['responses'][200]['content']['application/json'];
    expectTypeOf<Services['services']>().toEqualTypeOf<components['schemas']['Service'][]>();
    type Users = paths['/api/users']['get']['responses'][200]['content']['application/json'];
    expectTypeOf<Users['users']>().toEqualTypeOf<components['schemas']['User'][]>();
  });
});
