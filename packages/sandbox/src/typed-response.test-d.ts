import type { components, paths } from '@tokenwire/cloudlx';
import type { paths as sensuPaths } from '@tokenwire/sensu';
import { describe, expectTypeOf, it } from 'vitest';
import { createResponder, type Serialized, serialize } from './typed-response';

const send = createResponder<paths>();
const services = serialize<components['schemas']['ServiceList']>({ services: [] });

describe('responses typed by the generated spec types', () => {
  it('accepts documented statuses with the documented body', () => {
    expectTypeOf(send.json('/api/services', 'get', 200, services)).toEqualTypeOf<Response>();
    expectTypeOf(serialize({ a: 1 })).toEqualTypeOf<Serialized<{ a: number }>>();
  });

  it('rejects an undocumented status, a wrong body, a wrong method or path', () => {
    // @ts-expect-error listServices documents no 418
    send.json('/api/services', 'get', 418, services);
    // @ts-expect-error a token response is not a service list
    send.json('/api/services', 'get', 200, serialize({ access_token: 'x', token_type: 'Bearer' }));
    // @ts-expect-error the token endpoint is POST only
    send.json('/api/oauth2/access-token', 'get', 200, services);
    // @ts-expect-error no such path in the spec
    send.json('/api/nothing', 'get', 200, services);
    // @ts-expect-error a raw string is not known to encode the body
    send.json('/api/services', 'get', 200, '{"services":[]}');
  });

  it('types plain-text and empty responses (Sensu)', () => {
    const sensu = createResponder<sensuPaths>();
    sensu.text('/auth', 'get', 401, 'Unauthorized\n');
    sensu.empty('/auth/test', 'get', 200);
    // @ts-expect-error GET /auth answers 200 with a JSON body, not an empty one
    sensu.empty('/auth', 'get', 200);
  });
});
