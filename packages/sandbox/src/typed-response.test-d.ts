import type { components, paths } from '@tokenwire/cloudlx';
import type { paths as sensuPaths } from '@tokenwire/sensu';
import { describe, expectTypeOf, it } from 'vitest';
import { createRouteResponder, type Serialized, serialize } from './typed-response';
import { routeBuilder } from './vendor-routes';

const services = serialize<components['schemas']['ServiceList']>({ services: [] });
const route = routeBuilder<paths>();

describe('responses typed by the generated spec types', () => {
  it('accepts documented statuses with the documented body', () => {
    const send = createRouteResponder<paths, '/api/services', 'get'>();
    expectTypeOf(send.json(200, services)).toEqualTypeOf<Response>();
    expectTypeOf(serialize({ a: 1 })).toEqualTypeOf<Serialized<{ a: number }>>();
    route('get', '/api/services', 'api', (_c, answer) => answer.json(200, services));
  });

  it('rejects an undocumented status, a wrong body, a wrong method or path', () => {
    route('get', '/api/services', 'api', (_c, send) =>
      // @ts-expect-error listServices documents no 418
      send.json(418, services),
    );
    route('get', '/api/services', 'api', (_c, send) =>
      // @ts-expect-error a token response is not a service list
      send.json(200, serialize({ access_token: 'x', token_type: 'Bearer' })),
    );
    // @ts-expect-error the token endpoint is POST only
    route('get', '/api/oauth2/access-token', 'token', () => new Response());
    // @ts-expect-error no such path in the spec
    route('get', '/api/nothing', 'api', () => new Response());
    route('get', '/api/services', 'api', (_c, send) =>
      // @ts-expect-error a raw string is not known to encode the body
      send.json(200, '{"services":[]}'),
    );
  });

  it('types plain-text and empty responses (Sensu)', () => {
    const sensuRoute = routeBuilder<sensuPaths>();
    sensuRoute('get', '/auth', 'token', (_c, send) => send.text(401, 'Unauthorized\n'));
    sensuRoute('get', '/auth/test', 'api', (_c, send) => send.empty(200));
    // @ts-expect-error GET /auth answers 200 with a JSON body, not an empty one
    sensuRoute('get', '/auth', 'token', (_c, send) => send.empty(200));
  });
});
