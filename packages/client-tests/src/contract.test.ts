import { startSandbox, type Vendor } from '@tokenwire/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Prism, startPrism, type Violation, violationsOf } from '../../../scripts/prism.mjs';
import { adapters, type Target, type VendorAdapter } from './vendors';

interface Exchange {
  request: string;
  status: number;
  violations: Violation[];
}

/**
 * The clients' own traffic, sent through `prism proxy specs/<vendor>.yaml <sandbox> --errors`:
 * every request the clients make and every response they get must match the spec.
 */
describe.each(adapters)(
  '$vendor client traffic through prism proxy --errors',
  (adapter: VendorAdapter) => {
    let prism: Prism;
    let close: () => Promise<void>;
    let target: Target;
    const exchanges: Exchange[] = [];

    beforeAll(async () => {
      const sandbox = await startSandbox({ vendor: adapter.vendor as Vendor, port: 0 });
      prism = await startPrism({
        spec: `specs/${adapter.vendor}.yaml`,
        upstream: sandbox.url,
        errors: true,
      });
      close = async () => {
        await prism.close();
        await sandbox.close();
      };
      target = {
        vendor: adapter.vendor,
        url: prism.url,
        control: sandbox.control,
        allowInsecureHttp: false,
        credentials: { ...sandbox.credentials },
        close: async () => {},
        fetch: async (request) => {
          const label = `${request.method} ${new URL(request.url).pathname}`;
          const response = await fetch(request);
          const body = await response.clone().text();
          exchanges.push({
            request: label,
            status: response.status,
            violations: violationsOf(response, body),
          });
          return response;
        },
      };
    });
    afterAll(async () => {
      await close?.();
    });

    it('sends and receives only what the spec describes', async () => {
      const client = adapter.client(target);
      const cold = await Promise.all(Array.from({ length: 10 }, () => client.getResource()));
      expect(cold.map((r) => r.status)).toEqual(Array(10).fill(200));
      target.control.revokeAccessTokens();
      expect((await client.getResource()).status).toBe(200);
      await client.auth.refresh();
      expect((await client.getResource()).status).toBe(200);
      target.control.revokeRefreshTokens();
      target.control.revokeAccessTokens();
      expect((await client.getResource()).status).toBe(200);
      target.control.setResourcesUnauthorized(true);
      expect((await client.getResource()).status).toBe(401);
      target.control.setResourcesUnauthorized(false);
      await expect(
        adapter.client(target, {}, adapter.wrong(target)).getResource(),
      ).rejects.toMatchObject({
        code: 'CREDENTIALS_REJECTED',
      });
      if (adapter.apiKeyClient) {
        expect((await adapter.apiKeyClient(target).getResource()).status).toBe(200);
      }

      expect(exchanges.length).toBeGreaterThan(15);
      const violations = exchanges.filter((e) => e.violations.length > 0);
      expect(violations).toEqual([]);
      console.log(
        `[${adapter.vendor}] ${exchanges.length} exchanges through prism proxy --errors, ${violations.length} with violations`,
      );
    });
  },
);
