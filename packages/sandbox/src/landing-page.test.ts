import { describe, expect, it } from 'vitest';
import { createSandbox } from './create-sandbox';
import type { LandingPage } from './landing-page';
import { defaultCredentials, vendorNames } from './options';
import { startSandbox } from './start-sandbox';
import { specOperations } from './test-support/spec-operations';

describe('the landing page at /', () => {
  it.each(vendorNames)(
    '%s: HTML with the vendor, credentials, operations and control API',
    async (vendor) => {
      const sandbox = createSandbox({ vendor });
      const res = await sandbox.fetch('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await res.text();
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('sandbox</h1>');
      expect(html).not.toContain('<script');
      for (const value of Object.values(defaultCredentials[vendor])) expect(html).toContain(value);
      for (const op of specOperations(`specs/${vendor}.yaml`)) {
        expect(html).toContain(`<code>${op.path}</code>`);
      }
      expect(html).toContain('<a href="/__sandbox"');
      expect(html).toContain('<code>/__sandbox/faults</code>');
      expect(html).toContain('<code>/__sandbox/cors</code>');
      expect(html).toContain(`/${vendor}/index.html`);
      // Opening the page is no vendor call.
      expect(sandbox.control.counters()).toMatchObject({ tokenRequests: 0, unauthorized: 0 });
    },
  );

  it('answers JSON for Accept: application/json, listing what the route tables serve', async () => {
    const sandbox = createSandbox({ vendor: 'sensu' });
    const res = await sandbox.fetch('/', { headers: { accept: 'application/json' } });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('vary')).toBe('Accept');
    const page = (await res.json()) as LandingPage;
    expect(page).toMatchObject({ vendor: 'sensu', title: 'Sensu Go sandbox' });
    expect(page.credentials).toContainEqual({
      label: 'API key (Authorization: Key ...)',
      value: defaultCredentials.sensu.apiKey,
    });
    expect(page.operations.map((op) => `${op.method.toLowerCase()} ${op.path}`).sort()).toEqual(
      specOperations('specs/sensu.yaml')
        .map((op) => `${op.method} ${op.path}`)
        .sort(),
    );
    expect(page.control).toContainEqual(
      expect.objectContaining({ method: 'PUT', path: '/__sandbox/cors' }),
    );
    // A browser's Accept (HTML first, */* last) gets the page.
    const browser = await sandbox.fetch('/', {
      headers: { accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8' },
    });
    expect(browser.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('lists only control routes that exist', async () => {
    const sandbox = createSandbox({ vendor: 'cloudcx' });
    const page = (await (
      await sandbox.fetch('/', { headers: { accept: 'application/json' } })
    ).json()) as LandingPage;
    expect(page.control.length).toBeGreaterThan(10);
    for (const route of page.control) {
      const res = await sandbox.fetch(route.path, {
        method: route.method,
        headers: { 'content-type': 'application/json' },
        ...(route.body === undefined ? {} : { body: route.body }),
      });
      expect([route.method, route.path, res.status]).toEqual([
        route.method,
        route.path,
        route.method === 'POST' && route.path.endsWith('/faults') ? 201 : 200,
      ]);
    }
  });

  it('never shows a credential the caller set', async () => {
    const sandbox = createSandbox({
      vendor: 'cloudcx',
      credentials: { password: 'hunter2', clientSecret: 'real-looking-secret' },
    });
    const html = await (await sandbox.fetch('/')).text();
    expect(html).not.toContain('hunter2');
    expect(html).not.toContain('real-looking-secret');
    expect(html).toContain('(set at start-up; not shown)');
    expect(html).toContain(defaultCredentials.cloudcx.apiKey);
  });

  it('changes / alone: other methods and paths stay faithful to the vendor', async () => {
    const lx = createSandbox({ vendor: 'cloudlx' });
    const post = await lx.fetch('/', { method: 'POST' });
    expect([post.status, await post.json()]).toEqual([
      404,
      { message: '404 Not Found', status_code: 404 },
    ]);
    const index = await lx.fetch('/index.html');
    expect(index.status).toBe(404);
    const sensu = createSandbox({ vendor: 'sensu' });
    expect(await (await sensu.fetch('/api')).text()).toBe('{"code":2,"message":"not found"}\n');
  });

  it('is served over TCP, HEAD included', async () => {
    const sandbox = await startSandbox({ vendor: 'cloudlx', port: 0 });
    try {
      const res = await fetch(`${sandbox.url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('CloudLX sandbox');
      const head = await fetch(`${sandbox.url}/`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    } finally {
      await sandbox.close();
    }
  });
});
