import { describe, expectTypeOf, it } from 'vitest';
import type { components, paths } from './index';

type TokenOperation = paths['/oauth/token']['post'];
type TokenBody = NonNullable<TokenOperation['requestBody']>['content'];
type UsersOk =
  paths['/openapi/v2/user/page']['get']['responses'][200]['content']['application/json'];

describe('generated CloudCX types', () => {
  it('takes the token request as a form with grant_type, and only as a form', () => {
    expectTypeOf<keyof TokenBody>().toEqualTypeOf<'application/x-www-form-urlencoded'>();
    type Form = TokenBody['application/x-www-form-urlencoded'];
    expectTypeOf<Form['grant_type']>().toEqualTypeOf<'password' | 'refresh_token'>();
    expectTypeOf<Extract<Form, { grant_type: 'password' }>>().toHaveProperty('username');
    expectTypeOf<Extract<Form, { grant_type: 'refresh_token' }>>().toHaveProperty('refresh_token');
  });

  it('returns expires_in as a number and refresh_token as optional', () => {
    type Token = components['schemas']['TokenResponse'];
    expectTypeOf<Token['expires_in']>().toEqualTypeOf<number>();
    expectTypeOf<Token['access_token']>().toEqualTypeOf<string>();
    expectTypeOf<Token>().toMatchObjectType<{ refresh_token?: string }>();
  });

  it('wraps the user page in the code envelope, data nullable on business errors', () => {
    expectTypeOf<UsersOk['code']>().toBeString();
    expectTypeOf<UsersOk['data']>().toEqualTypeOf<components['schemas']['UserPage'] | null>();
    expectTypeOf<components['schemas']['User']['roles']>().toEqualTypeOf<string[]>();
  });

  it('takes a 1-based pageIndex query parameter', () => {
    type Query = NonNullable<paths['/openapi/v2/user/page']['get']['parameters']['query']>;
    expectTypeOf<Query['pageIndex']>().toEqualTypeOf<number | undefined>();
  });
});
