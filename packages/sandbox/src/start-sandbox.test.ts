import { Agent, get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock';
import { createSandbox } from './create-sandbox';
import { startSandbox } from './start-sandbox';
import { cloudlxAccept, cloudlxGrant } from './test-support/requests';

describe('startSandbox', () => {
  it('listens on an ephemeral loopback port and behaves like the in-process sandbox', async () => {
    const clock = createManualClock();
    const sandbox = await startSandbox({
      vendor: 'cloudlx',
      port: 0,
      accessTokenTtlSeconds: 2,
      clock,
    });
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.port).toBeGreaterThan(0);
      const { clientId, clientSecret } = sandbox.credentials;
      const token = await cloudlxGrant(fetch, sandbox.url, clientId, clientSecret);
      const services = () =>
        fetch(`${sandbox.url}/api/services`, {
          headers: { accept: cloudlxAccept, authorization: `Bearer ${token.access_token}` },
        });
      expect((await services()).status).toBe(200);
      clock.advance(2000);
      expect((await services()).status).toBe(401);
      expect(sandbox.control.counters()).toMatchObject({ primaryGrants: 1, unauthorized: 1 });
    } finally {
      await sandbox.close();
    }
  });

  it('refuses to listen anywhere but loopback', async () => {
    await expect(startSandbox({ vendor: 'sensu', host: '0.0.0.0' })).rejects.toThrow(
      'loopback only',
    );
    await expect(startSandbox({ vendor: 'sensu', port: 70_000 })).rejects.toThrow('port must be');
  });

  it('refuses invalid lifetimes and credentials with a clear message', () => {
    expect(() => createSandbox({ vendor: 'cloudlx', accessTokenTtlSeconds: 0 })).toThrow(
      'accessTokenTtlSeconds must be a positive number',
    );
    expect(() => createSandbox({ vendor: 'sensu', credentials: { username: 'a:b' } })).toThrow(
      "cannot contain ':'",
    );
    expect(() =>
      createSandbox({ vendor: 'cloudcx', credentials: { password: 'two words' } }),
    ).toThrow('printable ASCII');
  });

  it('closes promptly with keep-alive connections still open', async () => {
    const sandbox = await startSandbox({ vendor: 'sensu', port: 0 });
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      get(`${sandbox.url}/version`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      }).on('error', reject);
    });
    await sandbox.close();
    await sandbox.close();
    agent.destroy();
    await expect(fetch(`${sandbox.url}/version`)).rejects.toThrow();
  });

  it('ends a pending delay fault when it closes', async () => {
    const sandbox = await startSandbox({ vendor: 'sensu', port: 0 });
    sandbox.control.injectFault({ kind: 'delay', delayMs: 600_000, routes: 'api' });
    const pending = fetch(`${sandbox.url}/version`).then(
      (res) => res.status,
      () => 'closed',
    );
    // Wait until the request has reached the sandbox.
    while (sandbox.control.counters().faultsServed === 0)
      await new Promise((r) => setTimeout(r, 5));
    await sandbox.close();
    expect([200, 'closed']).toContain(await pending);
  });
});
