// The `hang` fault: the request is read and never answered, until the client gives up or
// the sandbox stops (which must not wait for it).
import { describe, expect, it } from 'vitest';
import { createSandbox } from './create-sandbox';
import { startSandbox } from './start-sandbox';
import { controlJson } from './test-support/control-api';
import { cloudlxAccept, formPost } from './test-support/requests';
import { startVendor, vendorCalls, vendors } from './test-support/vendor-calls';

/** Resolves once `condition` holds (polled every 5 ms): a request has reached the sandbox. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** How a settled promise ended, without throwing. */
function outcome(pending: Promise<Response>): Promise<string> {
  return pending.then(
    (res) => `answered ${res.status}`,
    (error: unknown) => (error instanceof Error ? error.name : String(error)),
  );
}

describe.each(vendors)('%s: a hanging endpoint over HTTP', (vendor) => {
  it('reads the request, never answers, and the client gets its own timeout; then serves again', async () => {
    const sandbox = await startVendor(vendor);
    try {
      const calls = await vendorCalls(sandbox);
      sandbox.control.resetCounters();
      await controlJson(sandbox, '/faults', 'POST', { kind: 'hang', count: 1 }, 201);
      const started = performance.now();
      const error = await calls.token({ signal: AbortSignal.timeout(100) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe('TimeoutError');
      expect(performance.now() - started).toBeGreaterThanOrEqual(90);
      expect(sandbox.control.counters()).toMatchObject({ tokenRequests: 1, faultsServed: 1 });

      expect((await calls.token()).status).toBe(200);
      expect((await calls.api()).status).toBe(200);
      expect(sandbox.control.counters()).toMatchObject({
        tokenRequests: 2,
        primaryGrants: 1,
        faultsServed: 1,
      });
    } finally {
      await sandbox.close();
    }
  });
});

describe('stopping with hung requests open', () => {
  it('close() destroys their sockets and returns promptly; the clients see the connection close', async () => {
    const sandbox = await startSandbox({ vendor: 'cloudlx', port: 0 });
    await controlJson(sandbox, '/faults', 'POST', { kind: 'hang', routes: 'all' }, 201);
    const { clientId, clientSecret } = sandbox.credentials;
    const pending = [
      fetch(
        `${sandbox.url}/api/oauth2/access-token`,
        formPost(
          { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
          { accept: cloudlxAccept },
        ),
      ),
      fetch(`${sandbox.url}/api/services`, { headers: { accept: cloudlxAccept } }),
    ].map(outcome);
    await until(() => sandbox.control.counters().faultsServed === 2);

    const started = performance.now();
    await sandbox.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await Promise.all(pending)).toEqual(['TypeError', 'TypeError']);
  });

  it('keeps hanging while the client waits: nothing answers until someone gives up', async () => {
    const sandbox = await startSandbox({ vendor: 'sensu', port: 0 });
    try {
      sandbox.control.injectFault({ kind: 'hang', routes: 'api', count: 1 });
      let settled = false;
      const pending = outcome(fetch(`${sandbox.url}/version`)).finally(() => {
        settled = true;
      });
      await until(() => sandbox.control.counters().faultsServed === 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toBe(false);
      await sandbox.close();
      expect(await pending).toBe('TypeError');
    } finally {
      await sandbox.close();
    }
  });
});

describe('a hanging endpoint in-process', () => {
  it('fetch rejects with the caller’s abort reason, and close() ends a hung fetch like a dropped connection', async () => {
    const sandbox = createSandbox({ vendor: 'sensu' });
    sandbox.control.injectFault({ kind: 'hang', routes: 'api', count: 2 });
    const timedOut = await outcome(sandbox.fetch('/health', { signal: AbortSignal.timeout(20) }));
    expect(timedOut).toBe('TimeoutError');

    const hung = sandbox.fetch('/health');
    await until(() => sandbox.control.counters().faultsServed === 2);
    sandbox.close();
    await expect(hung).rejects.toThrow('fetch failed');
    expect((await sandbox.fetch('/health')).status).toBe(200);
  });
});
