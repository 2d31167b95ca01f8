/// <reference types="node" />
import { inspect } from 'node:util';
import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { createStaticAuth, createTokenAuth } from './auth';
import { basicAuthorization } from './basic-auth';
import { AuthError } from './errors';
import type { GrantStrategy } from './grant';
import { FakeClock, jsonResponse } from './test-support/fake-oauth-server';
import type { TestPaths } from './test-support/openapi-test-paths';
import { processOAuth2TokenResponse, tokenEndpointError } from './token-response';
import type { TokenSet } from './token-set';
import { MemoryTokenStore } from './token-store';

const CLIENT_ID = 'leak-client';
const CLIENT_SECRET = 'CLIENTSECRET-q7Zp3mVx9KwB';
const USERNAME = 'jürgen';
const PASSWORD = 'PASSWORD-Pässwörd:9Lr2:x';
const API_KEY = 'APIKEY-5e6f7a8b9c0d1e2f3a4b';
const ACCESS = (n: number) => `ACCESSTOKEN-${n}-Hk28sLq0`;
const REFRESH = (n: number) => `REFRESHTOKEN-${n}-Wp93nRt7`;
const TOKENS = [0, 1, 2, 3, 9].flatMap((n) => [ACCESS(n), REFRESH(n)]);
const SECRETS = [CLIENT_SECRET, PASSWORD, API_KEY, ...TOKENS];
const TOKEN_URL = 'https://auth.example.test/oauth/token';
const API = 'https://api.example.test';
const BASIC = basicAuthorization(CLIENT_ID, CLIENT_SECRET);
const USER_BASIC = basicAuthorization(USERNAME, PASSWORD);

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Every recognisable encoding of a secret: raw, URL, form, JSON-escaped and base64 at any offset. */
function forms(secret: string): string[] {
  const out = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(secret)
      .slice(1, -1)
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  ]);
  const bytes = new TextEncoder().encode(secret);
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const encoded = toBase64(padded);
    const fragment = encoded.slice(
      Math.ceil((offset * 8) / 6),
      Math.floor(((offset + bytes.length) * 8) / 6),
    );
    out.add(fragment);
    out.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...out];
}

const NEEDLES = SECRETS.flatMap((secret) => forms(secret).map((form) => ({ secret, form })));

function leaks(text: string): string[] {
  return NEEDLES.filter(({ form }) => text.includes(form)).map(
    ({ secret, form }) => `${secret} as ${JSON.stringify(form)}`,
  );
}

/** Every text an error can end up as: message, stack, JSON, String, inspect, the cause chain. */
function errorTexts(error: unknown, depth = 0): string[] {
  if (depth > 10 || error === undefined || error === null) return [];
  const texts = [String(error), inspect(error, { depth: 10 })];
  try {
    texts.push(JSON.stringify(error) ?? '');
  } catch {
    // A circular structure cannot be serialised; inspect covered it.
  }
  if (error instanceof Error) {
    texts.push(error.message, error.stack ?? '');
    texts.push(...errorTexts(error.cause, depth + 1));
  }
  return texts;
}

interface Captured {
  errors: unknown[];
  lines: string[];
  statuses: number[];
}

interface Scenario {
  /** Answers the token endpoint; `grant` is `acquire` or `refresh`. */
  token: (request: Request, grant: 'acquire' | 'refresh') => Promise<Response> | Response;
  api?: (request: Request) => Promise<Response> | Response;
  preload?: TokenSet;
  tokenUrl?: string;
  apiUrl?: string;
  timeoutMs?: number;
  authorize?: GrantStrategy['authorize'];
}

const goodToken = (n: number) => () =>
  jsonResponse({
    access_token: ACCESS(n),
    token_type: 'Bearer',
    expires_in: 300,
    refresh_token: REFRESH(n),
  });

/** Runs one failure scenario through both forms, capturing errors, log lines and hook events. */
async function run(scenario: Scenario): Promise<Captured> {
  const captured: Captured = { errors: [], lines: [], statuses: [] };
  for (const form of ['wrapFetch', 'middleware'] as const) {
    const clock = new FakeClock();
    const store = new MemoryTokenStore();
    const tokenUrl = scenario.tokenUrl ?? TOKEN_URL;
    const strategy: GrantStrategy = {
      name: 'leaky',
      identity: [API, CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD],
      secrets: [CLIENT_SECRET, PASSWORD],
      tokenUrls: [tokenUrl],
      acquire: {
        request: async (_input, { signal }) =>
          scenario.token(
            new Request(tokenUrl, {
              method: 'POST',
              headers: { Authorization: BASIC },
              body: new URLSearchParams({
                grant_type: 'password',
                username: USERNAME,
                password: PASSWORD,
              }),
              signal,
            }),
            'acquire',
          ),
        process: (response, _input, context) => processOAuth2TokenResponse(response, context),
      },
      refresh: {
        request: async (current, { signal }) =>
          scenario.token(
            new Request(tokenUrl, {
              method: 'POST',
              headers: { Authorization: `Bearer ${current.accessToken}` },
              body: JSON.stringify({ refresh_token: current.refreshToken }),
              signal,
            }),
            'refresh',
          ),
        process: (response, _input, context) => processOAuth2TokenResponse(response, context),
      },
      ...(scenario.authorize ? { authorize: scenario.authorize } : {}),
    };
    const record =
      (level: string) =>
      (message: string, fields?: Record<string, unknown>): void => {
        captured.lines.push(`${level} ${message} ${JSON.stringify(fields)} ${inspect(fields)}`);
      };
    const hook = (name: string) => (event: unknown) => {
      captured.lines.push(`${name} ${JSON.stringify(event)} ${inspect(event)}`);
    };
    const auth = createTokenAuth({
      strategy,
      store,
      clock: clock.read,
      // Transient failures are retried at once: their retry events are scanned too.
      retry: { sleep: async () => {} },
      ...(scenario.timeoutMs === undefined ? {} : { timeoutMs: scenario.timeoutMs }),
      logger: {
        debug: record('debug'),
        info: record('info'),
        warn: record('warn'),
        error: record('error'),
      },
      hooks: {
        onTokenAcquired: hook('acquired'),
        onTokenRefreshed: hook('refreshed'),
        onRetry: hook('retry'),
        onAuthError: hook('authError'),
      },
    });
    if (scenario.preload) await store.set(await auth.manager.key(), scenario.preload);
    const api = async (request: Request) =>
      scenario.api
        ? scenario.api(request)
        : jsonResponse({ ok: true, token: 'x', method: request.method });
    const apiUrl = scenario.apiUrl ?? API;
    let attempt: Promise<Response>;
    if (form === 'wrapFetch') {
      attempt = auth.wrapFetch(api)(
        new Request(`${apiUrl}/things`, { method: 'POST', body: PASSWORD }),
      );
    } else {
      const client = createClient<TestPaths>({ baseUrl: apiUrl, fetch: api });
      client.use(auth.middleware);
      attempt = client
        .POST('/things', { body: { echo: API_KEY } })
        .then(({ response }) => response);
    }
    await attempt.then(
      (response) => captured.statuses.push(response.status),
      (error: unknown) => captured.errors.push(error),
    );
    // Hooks and logs are delivered asynchronously; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return captured;
}

function expectNoLeak(captured: Captured): void {
  const found: string[] = [];
  for (const error of captured.errors) {
    for (const text of errorTexts(error)) found.push(...leaks(text));
  }
  for (const line of captured.lines) found.push(...leaks(line));
  expect([...new Set(found)]).toEqual([]);
}

/**
 * What a careless server echoes back: everything the request carried. The manager knows
 * all of it (its secrets, the Basic values, the tokens in its store); tokens it never held
 * cannot be recognised by anyone, so they are not echoed.
 */
const echo = (...tokens: string[]) =>
  `secret=${CLIENT_SECRET} password=${PASSWORD} ${encodeURIComponent(PASSWORD)} auth=${BASIC} user=${USER_BASIC} tokens=${tokens.join(',')}`;
const echoAll = echo();
const echoStored = echo(ACCESS(0), REFRESH(0), `Bearer ${ACCESS(0)}`);
const asciiJson = (value: unknown) =>
  JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
const expired: TokenSet = {
  accessToken: ACCESS(0),
  refreshToken: REFRESH(0),
  expiresAt: 1,
  obtainedAt: 0,
  tokenType: 'Bearer',
};

describe('the scanner itself', () => {
  it('finds every form of a secret, so the leak checks below can fail', () => {
    expect(leaks(`x ${PASSWORD} y`)).not.toEqual([]);
    expect(leaks(encodeURIComponent(PASSWORD))).not.toEqual([]);
    expect(leaks(asciiJson({ p: PASSWORD }))).not.toEqual([]);
    expect(leaks(USER_BASIC)).not.toEqual([]);
    expect(leaks(BASIC)).not.toEqual([]);
    expect(leaks(`Bearer ${toBase64(new TextEncoder().encode(`ab${ACCESS(1)}`))}`)).not.toEqual([]);
    expect(leaks('nothing secret here')).toEqual([]);
  });
});

describe('no secret leaks into errors, logs or hook events', () => {
  const scenarios: Array<[string, Scenario, (captured: Captured) => void]> = [
    [
      'wrong credentials, the server echoing them',
      {
        token: () =>
          jsonResponse(
            {
              error: 'invalid_client',
              error_description: `Client authentication failed: ${echoAll}`,
            },
            401,
          ),
      },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'CREDENTIALS_REJECTED'),
        ).toBe(true),
    ],
    [
      'a 401 refresh failure echoing the tokens, then a refused acquire echoing the password (non-ASCII JSON escapes)',
      {
        preload: expired,
        token: (_request, grant) =>
          grant === 'refresh'
            ? new Response(`Request unauthorized: ${echoStored}`, {
                status: 401,
                headers: { 'content-type': 'text/plain' },
              })
            : new Response(
                asciiJson({
                  error: 'invalid_grant',
                  error_description: echoStored,
                  nested: { echo: [echoStored] },
                }),
                {
                  status: 400,
                  headers: { 'content-type': 'application/json' },
                },
              ),
      },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'CREDENTIALS_REJECTED'),
        ).toBe(true),
    ],
    [
      'a 500 whose body echoes every secret',
      { token: () => jsonResponse({ message: echoAll, detail: { request: echoAll } }, 500) },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'TOKEN_ENDPOINT_ERROR'),
        ).toBe(true),
    ],
    [
      'a 500 from the refresh with a text body echoing the tokens',
      { preload: expired, token: () => new Response(echoStored, { status: 500 }) },
      (c) => expect(c.errors.length).toBe(2),
    ],
    [
      'an HTML error page containing the secrets',
      {
        token: () =>
          new Response(`<html><body><pre>${echoAll}</pre></body></html>`, {
            status: 502,
            headers: { 'content-type': 'text/html' },
          }),
      },
      (c) => expect(c.errors.length).toBe(2),
    ],
    [
      'malformed JSON in a 200 token response containing the secrets',
      { token: () => new Response(`{"access_token": "${ACCESS(1)}", ${echoAll}`, { status: 200 }) },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'INVALID_TOKEN_RESPONSE'),
        ).toBe(true),
    ],
    [
      'a network error whose message and cause contain the secrets',
      {
        token: () => {
          throw new TypeError(`fetch failed: ${echoAll}`, {
            cause: new Error(`connect ECONNREFUSED ${BASIC} ${USER_BASIC}`, { cause: PASSWORD }),
          });
        },
      },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'TOKEN_REQUEST_FAILED'),
        ).toBe(true),
    ],
    [
      'a network error during a refresh, echoing the stored tokens',
      {
        preload: expired,
        token: () => {
          throw new Error(`socket hang up while sending Bearer ${ACCESS(0)} and ${REFRESH(0)}`);
        },
      },
      (c) => expect(c.errors.length).toBe(2),
    ],
    [
      'a timeout',
      {
        timeoutMs: 5,
        token: (request) =>
          new Promise<Response>((_resolve, reject) =>
            request.signal.addEventListener('abort', () => reject(request.signal.reason)),
          ),
      },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'TOKEN_REQUEST_TIMEOUT'),
        ).toBe(true),
    ],
    [
      'an insecure http token URL carrying secrets in its query',
      {
        tokenUrl: `http://auth.example.test/oauth/token?client_secret=${CLIENT_SECRET}&password=${encodeURIComponent(PASSWORD)}`,
        token: goodToken(1),
      },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'INSECURE_TRANSPORT'),
        ).toBe(true),
    ],
    [
      'an insecure http API URL',
      { apiUrl: `http://api.example.test`, token: goodToken(1) },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'INSECURE_TRANSPORT'),
        ).toBe(true),
    ],
    [
      'an invalid token response echoing the token (wrong type of token_type)',
      {
        token: () =>
          jsonResponse({ access_token: ACCESS(1), token_type: 7, refresh_token: REFRESH(1) }),
      },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'INVALID_TOKEN_RESPONSE'),
        ).toBe(true),
    ],
    [
      'an invalid token response whose token cannot be sent in a header',
      {
        token: () =>
          jsonResponse({ access_token: `${ACCESS(9)}\r\nX-Injected: 1`, token_type: 'Bearer' }),
      },
      (c) =>
        expect(
          c.errors.every((e) => e instanceof AuthError && e.code === 'INVALID_TOKEN_RESPONSE'),
        ).toBe(true),
    ],
    [
      'a token response with a secret in a wrongly typed field (tolerated, with a warning)',
      {
        token: () =>
          jsonResponse({ access_token: ACCESS(1), token_type: 'Bearer', expires_in: REFRESH(1) }),
      },
      (c) => {
        expect(c.errors).toHaveLength(0);
        expect(c.lines.some((line) => line.includes('"expires_in" is a string'))).toBe(true);
      },
    ],
    [
      'an API answering 401 twice, echoing the Authorization header',
      {
        token: (_request, grant) => (grant === 'acquire' ? goodToken(1)() : goodToken(2)()),
        api: (request) =>
          jsonResponse({ message: `bad ${request.headers.get('authorization')}` }, 401),
      },
      (c) => expect(c.statuses).toEqual([401, 401]),
    ],
    [
      'a custom authorize that throws with the token in its message',
      {
        token: goodToken(1),
        authorize: (_headers, tokens) => {
          throw new Error(`cannot place ${tokens.accessToken}`);
        },
      },
      (c) => expect(c.errors.length).toBe(2),
    ],
  ];

  it.each(scenarios)('%s', async (_name, scenario, check) => {
    const captured = await run(scenario);
    check(captured);
    expectNoLeak(captured);
  });

  it('an API key with a line break or NUL is refused without echoing it', () => {
    const errors: unknown[] = [];
    for (const value of [`Key ${API_KEY}\r\n`, `Key ${API_KEY}\u0000`, `Key ${API_KEY}€`]) {
      try {
        createStaticAuth({ headers: { Authorization: value } });
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(3);
    expectNoLeak({ errors, lines: [], statuses: [] });
  });

  it('an API key sent to a plain-http API is refused without echoing it', async () => {
    const fetch = createStaticAuth({ headers: { Authorization: `Key ${API_KEY}` } }).wrapFetch(
      async () => new Response(),
    );
    const error = await fetch(new Request(`http://api.example.test/x?key=${API_KEY}`)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    expectNoLeak({ errors: [error], lines: [], statuses: [] });
  });

  it('a secret straddling the 2 KB cut of an error body is masked before the cut, not after', async () => {
    for (let shift = 0; shift < 24; shift += 1) {
      const body = `${'x'.repeat(2030 + shift)} ${CLIENT_SECRET} ${PASSWORD}`;
      const error = await tokenEndpointError(new Response(body, { status: 500 }), {
        what: 'The token request',
        secrets: [CLIENT_SECRET, PASSWORD],
        now: 0,
      });
      const texts = errorTexts(error).join('\n');
      for (const secret of [CLIENT_SECRET, PASSWORD]) {
        for (let length = 6; length <= secret.length; length++) {
          expect(texts).not.toContain(secret.slice(0, length));
        }
      }
    }
  });
});
