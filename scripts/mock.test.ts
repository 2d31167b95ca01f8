import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { follow, isObject, type Json, loadSpec, pointerJoin } from '../specs/openapi-document';
import { startMocks } from './mock.mjs';

const repoRoot = resolve(import.meta.dirname, '..');

/** The example Prism serves for a media type: `example`, else the first of `examples`. */
function firstExample(
  api: string,
  path: string,
  method: string,
  at: string,
  mediaType: string,
): Json {
  const doc = loadSpec(resolve(repoRoot, `specs/${api}.yaml`));
  const owner = follow(doc, pointerJoin('', 'paths', path, method, ...at.split('.')));
  const media = follow(doc, pointerJoin(owner.pointer, 'content', mediaType));
  if ('example' in media.node) return media.node.example ?? null;
  if (isObject(media.node.examples)) {
    const [first] = Object.keys(media.node.examples);
    if (first !== undefined) {
      const example = follow(doc, pointerJoin(media.pointer, 'examples', first)).node;
      return example.value ?? null;
    }
  }
  throw new Error(`no example for ${method} ${path} ${at} ${mediaType} in ${api}`);
}

function form(value: Json): string {
  if (!isObject(value)) throw new Error('form example must be an object');
  return new URLSearchParams(Object.entries(value).map(([k, v]) => [k, String(v)])).toString();
}

// The vendor media type selects the API version; the server answers application/json.
// Prism negotiates strictly on Accept, so the bare vendor type would get a 406 from the
// mock: list application/json too (see the Accept parameter in specs/cloudlx.yaml).
const cloudlxAccept = 'application/vnd.cloudlx.v1+json, application/json';

describe('pnpm mock', () => {
  let mocks: Awaited<ReturnType<typeof startMocks>>;
  beforeAll(async () => {
    mocks = await startMocks();
  });
  afterAll(async () => {
    await mocks?.close();
  });

  it('serves every spec on its loopback port', () => {
    expect(mocks.urls).toEqual({
      cloudlx: 'http://127.0.0.1:4010',
      cloudcx: 'http://127.0.0.1:4011',
      sensu: 'http://127.0.0.1:4012',
    });
  });

  it('CloudLX: a valid client-credentials request gets the spec example back', async () => {
    const path = '/api/oauth2/access-token';
    const body = form(
      firstExample('cloudlx', path, 'post', 'requestBody', 'application/x-www-form-urlencoded'),
    );
    const res = await fetch(`${mocks.urls.cloudlx}${path}`, {
      method: 'POST',
      headers: { accept: cloudlxAccept, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(
      firstExample('cloudlx', path, 'post', 'responses.200', 'application/json'),
    );
  });

  it('CloudCX: a listUsers call with a bearer gets the spec example back', async () => {
    const path = '/openapi/v2/user/page';
    const res = await fetch(`${mocks.urls.cloudcx}${path}?pageIndex=1&pageSize=25`, {
      headers: { authorization: 'Bearer example-token' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(
      firstExample('cloudcx', path, 'get', 'responses.200', 'application/json'),
    );
  });

  it('Sensu: GET /auth with Basic credentials gets the spec example back', async () => {
    const res = await fetch(`${mocks.urls.sensu}/auth`, {
      headers: { authorization: `Basic ${btoa('example-user:example-password')}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(
      firstExample('sensu', '/auth', 'get', 'responses.200', 'application/json'),
    );
  });

  it.each([
    {
      api: 'cloudlx',
      path: '/api/oauth2/access-token',
      headers: { accept: cloudlxAccept, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'missing-the-grant-type' }),
    },
    {
      api: 'cloudcx',
      path: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=example-user',
    },
    {
      api: 'sensu',
      path: '/auth/token',
      headers: { authorization: 'Bearer example-token', 'content-type': 'application/json' },
      body: JSON.stringify({ not_a_refresh_token: true }),
    },
  ] as const)(
    '$api: a malformed token request gets a 4xx with the violation',
    async ({ api, path, headers, body }) => {
      const url = mocks.urls[api as keyof typeof mocks.urls];
      const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const violations = res.headers.get('sl-violations') ?? (await res.text());
      expect(violations).toMatch(/required|must have|should have|grant_type|refresh_token/i);
    },
  );
});
