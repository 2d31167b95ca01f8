import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { createStaticAuth } from './auth';
import { InsecureTransportError, InvalidOptionsError } from './errors';
import { API_BASE, jsonResponse } from './test-support/fake-oauth-server';
import type { TestPaths } from './test-support/openapi-test-paths';

const API_KEY = 'Key 1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b';

/** A fake API that accepts exactly one Authorization value and records every call. */
function fakeApi(accepted: string) {
  const calls: Request[] = [];
  const fetch = async (request: Request) => {
    calls.push(request);
    return request.headers.get('authorization') === accepted
      ? jsonResponse({ ok: true, token: 'key', method: request.method })
      : jsonResponse({ Code: 5, Message: 'invalid credentials' }, 401);
  };
  return { calls, fetch };
}

describe('createStaticAuth', () => {
  it.each(['wrapFetch', 'middleware'] as const)(
    '%s: sets the fixed header (any scheme) on every request and calls no token endpoint',
    async (form) => {
      const api = fakeApi(API_KEY);
      const auth = createStaticAuth({ headers: { Authorization: API_KEY, 'X-Tenant': 't1' } });
      const client =
        form === 'wrapFetch'
          ? createClient<TestPaths>({ baseUrl: API_BASE, fetch: auth.wrapFetch(api.fetch) })
          : createClient<TestPaths>({ baseUrl: API_BASE, fetch: api.fetch });
      if (form === 'middleware') client.use(auth.middleware);
      const { data } = await client.GET('/things');
      await client.POST('/things', { body: { a: 1 } });
      expect(data?.ok).toBe(true);
      expect(api.calls.map((call) => call.headers.get('authorization'))).toEqual([
        API_KEY,
        API_KEY,
      ]);
      expect(api.calls.map((call) => call.headers.get('x-tenant'))).toEqual(['t1', 't1']);
      expect(api.calls.every((call) => call.url.startsWith(API_BASE))).toBe(true);
    },
  );

  it.each(['wrapFetch', 'middleware'] as const)(
    '%s: hands a 401 back unchanged, with no replay',
    async (form) => {
      const api = fakeApi('Key something-else');
      const auth = createStaticAuth({ headers: { Authorization: API_KEY } });
      const client =
        form === 'wrapFetch'
          ? createClient<TestPaths>({ baseUrl: API_BASE, fetch: auth.wrapFetch(api.fetch) })
          : createClient<TestPaths>({ baseUrl: API_BASE, fetch: api.fetch });
      if (form === 'middleware') client.use(auth.middleware);
      const { error, response } = await client.POST('/things', { body: { a: 1 } });
      expect(response.status).toBe(401);
      expect(error).toEqual({ Code: 5, Message: 'invalid credentials' });
      expect(api.calls).toHaveLength(1);
    },
  );

  it.each([
    ['a CR/LF in the value', { Authorization: 'Key abc\r\nX-Injected: 1' }],
    ['a LF in the value', { Authorization: 'Key abc\nX: y' }],
    ['a NUL in the value', { Authorization: 'Key abc\u0000def' }],
    ['a non-Latin-1 character in the value', { Authorization: 'Key abc€' }],
    ['an empty value', { Authorization: '  ' }],
    ['a CR/LF in the name', { 'X-Key\r\nX-Injected': 'abc' }],
    ['an invalid header name', { 'X Key': 'abc' }],
  ])('refuses %s at creation, with an InvalidOptionsError', (_name, headers) => {
    expect(() => createStaticAuth({ headers })).toThrow(InvalidOptionsError);
  });

  it('refuses an empty header map', () => {
    expect(() => createStaticAuth({ headers: {} })).toThrow(/at least one header/);
  });

  it('refuses plain http to a non-loopback API and sends nothing', async () => {
    const api = fakeApi(API_KEY);
    const fetch = createStaticAuth({ headers: { Authorization: API_KEY } }).wrapFetch(api.fetch);
    await expect(fetch(new Request('http://api.example.test/things'))).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
    expect(api.calls).toHaveLength(0);
    const allowed = createStaticAuth({
      headers: { Authorization: API_KEY },
      allowInsecureHttp: true,
    }).wrapFetch(api.fetch);
    expect((await allowed(new Request('http://api.example.test/things'))).status).toBe(200);
    const loopback = createStaticAuth({ headers: { Authorization: API_KEY } }).wrapFetch(api.fetch);
    expect((await loopback(new Request('http://127.0.0.1:8080/things'))).status).toBe(200);
  });
});
