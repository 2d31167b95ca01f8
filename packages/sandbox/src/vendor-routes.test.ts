import { describe, expect, it } from 'vitest';
import { createSandbox, defineVendor } from './create-sandbox';
import { resolveCommon, type Vendor, vendorNames } from './options';
import { ServerState } from './server-state';
import { specOperations } from './test-support/spec-operations';
import { honoPath, pathPattern } from './vendor-routes';

function routesOf(vendor: Vendor) {
  const server = new ServerState(resolveCommon(vendor, {}));
  return defineVendor(server, { vendor }).vendor.routes;
}

/** A concrete path for a spec path: every parameter becomes `x1`. */
const concrete = (specPath: string) => specPath.replace(/\{[^}]+\}/g, 'x1');

describe('the route table', () => {
  it('turns spec paths into Hono paths and one-segment patterns', () => {
    expect(honoPath('/api/core/v2/namespaces/{namespace}/entities')).toBe(
      '/api/core/v2/namespaces/:namespace/entities',
    );
    const pattern = pathPattern('/api/core/v2/namespaces/{namespace}/entities');
    expect(pattern.test('/api/core/v2/namespaces/default/entities')).toBe(true);
    expect(pattern.test('/api/core/v2/namespaces/a/b/entities')).toBe(false);
    expect(pattern.test('/api/core/v2/namespaces//entities')).toBe(false);
    // A dot is a dot, not "any character".
    expect(pathPattern('/a.b').test('/aXb')).toBe(false);
  });

  it.each(vendorNames)('%s: serves exactly the operations of its spec', (vendor) => {
    const served = routesOf(vendor).map((route) => `${route.method} ${route.path}`);
    const specified = specOperations(`specs/${vendor}.yaml`).map((op) => `${op.method} ${op.path}`);
    expect(served.sort()).toEqual(specified.sort());
  });

  it.each(vendorNames)(
    '%s: a served path with another method is a 405, a longer one a 404',
    async (vendor) => {
      const sandbox = createSandbox({ vendor });
      for (const route of routesOf(vendor)) {
        const path = concrete(route.path);
        const wrong = await sandbox.fetch(path, { method: route.method === 'get' ? 'PUT' : 'GET' });
        expect([path, wrong.status]).toEqual([path, 405]);
        const longer = await sandbox.fetch(`${path}/more`, { method: route.method.toUpperCase() });
        expect([path, longer.status]).toEqual([path, 404]);
      }
    },
  );
});
