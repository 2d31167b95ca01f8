import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { createTokenAuth } from './auth';
import { InsecureTransportError } from './errors';
import {
  FakeClock,
  FakeOAuthServer,
  oauthStrategy,
  TOKEN_URL,
} from './test-support/fake-oauth-server';
import type { TestPaths } from './test-support/openapi-test-paths';
import { assertSecureUrl } from './transport';

describe('assertSecureUrl', () => {
  it.each([
    'https://api.example.test/x',
    'https://10.0.0.1/x',
    'http://localhost:8080/x',
    'http://LOCALHOST/x',
    'http://sensu.localhost:8080/x',
    'http://127.0.0.1:8080/x',
    'http://127.8.9.10/x',
    'http://127.1/x',
    'http://[::1]:8080/x',
  ])('allows %s', (url) => {
    expect(() => assertSecureUrl(url, false, 'the API')).not.toThrow();
  });

  it.each([
    'http://api.example.test/x',
    'http://10.0.0.1/x',
    'http://128.0.0.1/x',
    'http://localhost.example.com/x',
    'http://[::2]/x',
    'http://0.0.0.0/x',
  ])('refuses %s with INSECURE_TRANSPORT', (url) => {
    const error = (() => {
      try {
        assertSecureUrl(url, false, 'the token endpoint');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InsecureTransportError);
    expect(error).toMatchObject({ code: 'INSECURE_TRANSPORT' });
    expect((error as Error).message).toMatch(/nothing was sent.*allowInsecureHttp: true/s);
  });

  it('allows any http host when allowInsecureHttp is true', () => {
    expect(() => assertSecureUrl('http://api.example.test/x', true, 'the API')).not.toThrow();
  });
});

describe('credentials are never sent over plain http', () => {
  function setup(options: { tokenUrl?: string; allowInsecureHttp?: boolean }) {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const sent: Request[] = [];
    const recording = (request: Request) => {
      sent.push(request);
      return server.fetch(request);
    };
    const strategy = oauthStrategy({
      fetch: async (request) => {
        // The fake server answers at TOKEN_URL; route whatever token URL was configured there.
        sent.push(request);
        const { method, headers } = request;
        return server.fetch(
          new Request(TOKEN_URL, { method, headers, body: await request.text() }),
        );
      },
      ...(options.tokenUrl === undefined ? {} : { tokenUrl: options.tokenUrl }),
    });
    const auth = createTokenAuth({
      strategy,
      clock: clock.read,
      ...(options.allowInsecureHttp === undefined
        ? {}
        : { allowInsecureHttp: options.allowInsecureHttp }),
    });
    return { auth, sent, fetch: auth.wrapFetch(recording) };
  }

  it('refuses a non-loopback http token URL: neither the token request nor the API call is sent', async () => {
    const { fetch, sent } = setup({ tokenUrl: 'http://auth.example.test/oauth/token' });
    await expect(fetch(new Request('https://api.example.test/things'))).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
    expect(sent).toHaveLength(0);
  });

  it('refuses a non-loopback http API URL before any token request', async () => {
    const { fetch, sent } = setup({});
    const error = await fetch(new Request('http://api.example.test/things')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InsecureTransportError);
    expect((error as Error).message).toContain('http://api.example.test');
    expect(sent).toHaveLength(0);
  });

  it('refuses through the middleware form too', async () => {
    const { auth, sent } = setup({});
    const client = createClient<TestPaths>({
      baseUrl: 'http://api.example.test',
      fetch: async (request) => {
        sent.push(request);
        return new Response('{}');
      },
    });
    client.use(auth.middleware);
    await expect(client.GET('/things')).rejects.toBeInstanceOf(InsecureTransportError);
    expect(sent).toHaveLength(0);
  });

  it('allows loopback token and API URLs (localhost, 127.x, [::1])', async () => {
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080']) {
      const { fetch } = setup({ tokenUrl: `http://${host}/oauth/token` });
      const response = await fetch(new Request(`http://${host}/things`));
      expect(response.status).toBe(200);
    }
  });

  it('allows plain http everywhere with allowInsecureHttp: true', async () => {
    const { fetch, sent } = setup({
      tokenUrl: 'http://auth.example.test/oauth/token',
      allowInsecureHttp: true,
    });
    const response = await fetch(new Request('http://api.example.test/things'));
    expect(response.status).toBe(200);
    expect(sent).toHaveLength(2);
  });
});
