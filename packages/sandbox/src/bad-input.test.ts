// Bad input gets the vendor's real error (as the specs document it): never a crash, a
// hang or a stack trace, and the sandbox keeps serving afterwards.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from './create-sandbox';
import { type RunningSandbox, startSandbox } from './start-sandbox';
import { rawExchange } from './test-support/raw-http';
import {
  basic,
  cloudcxGrant,
  cloudlxAccept,
  cloudlxGrant,
  formPost,
  hasStackTrace,
  jsonPost,
  sensuLogin,
  sensuRefresh,
} from './test-support/requests';

const logLines: string[] = [];
const log = (line: string) => logLines.push(line);
const overOneMiB = 'x'.repeat(1024 * 1024 + 1);
const crlf = '\r\nX-Injected: yes';

interface Case {
  name: string;
  init: RequestInit;
  status: number;
  /** The exact body, or a check on it. */
  body: string | ((text: string) => void);
}

async function expectCase(
  fetch: (input: string, init?: RequestInit) => Promise<Response>,
  url: string,
  c: Case,
): Promise<Response> {
  const res = await fetch(url, c.init);
  const text = await res.text();
  expect(res.status, `${c.name}: ${text}`).toBe(c.status);
  if (typeof c.body === 'string') expect(text, c.name).toBe(c.body);
  else c.body(text);
  expect(hasStackTrace(text), c.name).toBe(false);
  expect(res.headers.get('x-injected'), c.name).toBeNull();
  return res;
}

const missing = (parameter: string) =>
  JSON.stringify({
    error: 'invalid_request',
    error_description: `The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. Check the "${parameter}" parameter.`,
  });
const unsupported = JSON.stringify({
  error: 'unsupported_grant_type',
  error_description: 'The authorization grant type is not supported by the authorization server.',
});

function cloudlxCases(clientId: string, clientSecret: string): Case[] {
  const accept = { accept: cloudlxAccept };
  const creds = { client_id: clientId, client_secret: clientSecret };
  return [
    {
      name: 'truncated JSON',
      init: {
        method: 'POST',
        headers: { ...accept, 'content-type': 'application/json' },
        body: '{"grant_type":"client_credentials","client_id":"sandb',
      },
      status: 400,
      body: missing('grant_type'),
    },
    {
      name: 'truncated form',
      init: {
        method: 'POST',
        headers: { ...accept, 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${clientId}&client_sec`,
      },
      status: 400,
      body: missing('client_secret'),
    },
    {
      name: 'wrong content type',
      init: {
        method: 'POST',
        headers: { ...accept, 'content-type': 'text/plain' },
        body: JSON.stringify({ grant_type: 'client_credentials', ...creds }),
      },
      status: 400,
      body: missing('grant_type'),
    },
    {
      name: 'invalid JSON',
      init: {
        method: 'POST',
        headers: { ...accept, 'content-type': 'application/json' },
        body: '{grant_type: client_credentials}',
      },
      status: 400,
      body: missing('grant_type'),
    },
    {
      name: 'JSON that is not an object',
      init: jsonPost(['client_credentials'], accept),
      status: 400,
      body: missing('grant_type'),
    },
    {
      name: 'a number where a string belongs',
      init: jsonPost(
        { grant_type: 'client_credentials', client_id: 12345, client_secret: clientSecret },
        accept,
      ),
      status: 400,
      body: missing('client_id'),
    },
    {
      name: 'bytes that are not UTF-8',
      init: {
        method: 'POST',
        headers: { ...accept, 'content-type': 'application/json' },
        body: new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0xc3]),
      },
      status: 400,
      body: missing('grant_type'),
    },
    {
      name: 'a body over 1 MiB',
      init: jsonPost({ grant_type: 'client_credentials', ...creds, padding: overOneMiB }, accept),
      status: 400,
      body: missing('grant_type'),
    },
    {
      name: 'unknown grant type',
      init: formPost({ grant_type: 'password', ...creds }, accept),
      status: 400,
      body: unsupported,
    },
    {
      name: 'refresh_token grant on the access-token endpoint',
      init: formPost({ grant_type: 'refresh_token', refresh_token: 'x', ...creds }, accept),
      status: 400,
      body: unsupported,
    },
    {
      name: 'CR/LF injected into the client id',
      init: formPost(
        {
          grant_type: 'client_credentials',
          client_id: `${clientId}${crlf}`,
          client_secret: clientSecret,
        },
        accept,
      ),
      status: 401,
      body: JSON.stringify({
        error: 'invalid_client',
        error_description: 'Client authentication failed.',
      }),
    },
    {
      name: 'CR/LF injected into the client secret (JSON)',
      init: jsonPost(
        {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: `${clientSecret}${crlf}`,
        },
        accept,
      ),
      status: 401,
      body: JSON.stringify({
        error: 'invalid_client',
        error_description: 'Client authentication failed.',
      }),
    },
  ];
}

function cloudcxCases(c: {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}): Case[] {
  const client = { client_id: c.clientId, client_secret: c.clientSecret };
  const invalidClient = (text: string) =>
    expect(JSON.parse(text)).toMatchObject({ error: 'invalid_client' });
  return [
    {
      name: 'truncated form',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${new URLSearchParams({ grant_type: 'password', ...client, username: c.username })}&password=sandbox-pa`,
      },
      status: 400,
      body: JSON.stringify({ error: 'invalid_grant', error_description: 'Bad credentials' }),
    },
    {
      name: 'wrong content type (JSON: Spring reads form parameters only)',
      init: jsonPost({
        grant_type: 'password',
        ...client,
        username: c.username,
        password: c.password,
      }),
      status: 401,
      body: invalidClient,
    },
    {
      name: 'invalid JSON',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"grant_type":',
      },
      status: 401,
      body: invalidClient,
    },
    {
      name: 'a body over 1 MiB',
      init: formPost({
        grant_type: 'password',
        ...client,
        username: c.username,
        password: c.password,
        padding: overOneMiB,
      }),
      status: 401,
      body: invalidClient,
    },
    {
      name: 'unknown grant type',
      init: formPost({ grant_type: 'authorization_code', ...client }),
      status: 400,
      body: (text) => expect(JSON.parse(text)).toMatchObject({ error: 'unsupported_grant_type' }),
    },
    {
      name: 'a parameter sent twice',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${new URLSearchParams(client)}&grant_type=password&grant_type=refresh_token`,
      },
      status: 400,
      body: (text) =>
        expect(JSON.parse(text)).toMatchObject({
          error: 'invalid_request',
          error_description: 'OAuth 2.0 Parameter: grant_type',
        }),
    },
    {
      name: 'CR/LF injected into the username',
      init: formPost({
        grant_type: 'password',
        ...client,
        username: `${c.username}${crlf}`,
        password: c.password,
      }),
      status: 400,
      body: JSON.stringify({ error: 'invalid_grant', error_description: 'Bad credentials' }),
    },
  ];
}

function sensuCases(access: string, refresh: string, username: string, password: string): Case[] {
  const bearer = { authorization: `Bearer ${access}` };
  const post = (body: string, contentType = 'application/json') => ({
    method: 'POST',
    headers: { ...bearer, 'content-type': contentType },
    body,
  });
  return [
    {
      name: 'truncated JSON',
      init: post(`{"refresh_token":"${refresh.slice(0, 20)}`),
      status: 400,
      body: 'unexpected EOF\n',
    },
    {
      name: 'invalid JSON',
      init: post('{nope}'),
      status: 400,
      body: "invalid character 'n' looking for beginning of object key string\n",
    },
    {
      name: 'wrong content type (a form)',
      init: post(`refresh_token=${refresh}`, 'application/x-www-form-urlencoded'),
      status: 400,
      body: "invalid character 'r' looking for beginning of value\n",
    },
    {
      name: 'a number where a string belongs',
      init: post('{"refresh_token": 5}'),
      status: 400,
      body: 'json: cannot unmarshal number into Go struct field Tokens.refresh_token of type string\n',
    },
    {
      name: 'an empty body',
      init: { method: 'POST', headers: bearer },
      status: 400,
      body: 'EOF\n',
    },
    {
      name: 'a body over the 512000-byte request limit',
      init: post(JSON.stringify({ refresh_token: refresh, padding: 'x'.repeat(512_001) })),
      status: 500,
      body: 'Request exceeded max length\n',
    },
    {
      name: 'a body over 1 MiB',
      init: post(JSON.stringify({ refresh_token: refresh, padding: overOneMiB })),
      status: 500,
      body: 'Request exceeded max length\n',
    },
    {
      name: 'CR/LF injected into the Basic user name',
      init: { headers: { authorization: basic(`${username}${crlf}`, password) } },
      status: 401,
      body: 'Unauthorized\n',
    },
    {
      name: 'Basic credentials that are not base64',
      init: { headers: { authorization: 'Basic !!!not-base64!!!' } },
      status: 401,
      body: 'Unauthorized\n',
    },
    {
      name: 'Basic credentials without a colon',
      init: { headers: { authorization: `Basic ${Buffer.from(username).toString('base64')}` } },
      status: 401,
      body: 'Unauthorized\n',
    },
  ];
}

describe('bad input, in-process', () => {
  it('CloudLX token endpoints answer each with the OAuth error and keep serving', async () => {
    const sandbox = createSandbox({ vendor: 'cloudlx', log });
    const { clientId, clientSecret } = sandbox.credentials;
    for (const c of cloudlxCases(clientId, clientSecret)) {
      await expectCase(sandbox.fetch, '/api/oauth2/access-token', c);
    }
    const refresh = await sandbox.fetch(
      '/api/oauth2/refresh-token',
      formPost(
        { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        { accept: cloudlxAccept },
      ),
    );
    expect(await refresh.text()).toBe(unsupported);
    await expect(
      cloudlxGrant(sandbox.fetch, sandbox.url, clientId, clientSecret),
    ).resolves.toBeDefined();
  });

  it('CloudCX token endpoint answers each with the Spring error and keeps serving', async () => {
    const sandbox = createSandbox({ vendor: 'cloudcx', log });
    for (const c of cloudcxCases(sandbox.credentials))
      await expectCase(sandbox.fetch, '/oauth/token', c);
    await expect(
      cloudcxGrant(sandbox.fetch, sandbox.url, sandbox.credentials),
    ).resolves.toBeDefined();
  });

  it('Sensu auth routes answer each with Go plain text and keep serving', async () => {
    const sandbox = createSandbox({ vendor: 'sensu', log });
    const s = sandbox.credentials;
    const tokens = await sensuLogin(sandbox.fetch, sandbox.url, s.username, s.password);
    for (const c of sensuCases(tokens.access_token, tokens.refresh_token, s.username, s.password)) {
      const path = c.init.method === 'POST' ? '/auth/token' : '/auth';
      const res = await expectCase(sandbox.fetch, path, c);
      expect(res.headers.get('content-type'), c.name).toBe('text/plain; charset=utf-8');
    }
    // None of that consumed the session.
    const renewed = await sandbox.fetch(
      '/auth/token',
      sensuRefresh(tokens.access_token, tokens.refresh_token),
    );
    expect(renewed.status).toBe(200);
  });

  it('rejects CR/LF in a header before it is sent (the Fetch API refuses to build it)', () => {
    expect(
      () => new Request('http://x/', { headers: { authorization: 'Bearer a\r\nX-Injected: yes' } }),
    ).toThrow(TypeError);
  });

  it('answers an internal failure with the vendor 500: one log line, no stack, no secret', async () => {
    const lines: string[] = [];
    let broken = false;
    const clock = {
      now: () => {
        if (broken) throw new Error('clock unplugged');
        return Date.now();
      },
    };
    const sandbox = createSandbox({ vendor: 'cloudlx', clock, log: (line) => lines.push(line) });
    const { clientId, clientSecret } = sandbox.credentials;
    broken = true;
    const res = await sandbox.fetch(
      '/api/oauth2/access-token',
      formPost(
        { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        { accept: cloudlxAccept },
      ),
    );
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: '500 Internal Server Error', status_code: 500 });
    expect(lines).toEqual([
      '[sandbox cloudlx] internal error on POST /api/oauth2/access-token: clock unplugged',
    ]);
    broken = false;
    await expect(
      cloudlxGrant(sandbox.fetch, sandbox.url, clientId, clientSecret),
    ).resolves.toBeDefined();
  });
});

describe('bad input over real HTTP', () => {
  let cloudlx: RunningSandbox<'cloudlx'>;
  let cloudcx: RunningSandbox<'cloudcx'>;
  let sensu: RunningSandbox<'sensu'>;
  beforeAll(async () => {
    [cloudlx, cloudcx, sensu] = await Promise.all([
      startSandbox({ vendor: 'cloudlx', port: 0, log }),
      startSandbox({ vendor: 'cloudcx', port: 0, log }),
      startSandbox({ vendor: 'sensu', port: 0, log }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([cloudlx?.close(), cloudcx?.close(), sensu?.close()]);
    // Whatever was logged on the way, no credential is in it.
    const secrets = [cloudlx, cloudcx, sensu].flatMap((s) => Object.values(s?.credentials ?? {}));
    for (const line of logLines) for (const secret of secrets) expect(line).not.toContain(secret);
  });

  const http = (base: () => string) => (path: string, init?: RequestInit) =>
    fetch(`${base()}${path}`, init);

  it('CloudLX: every case over TCP, then a normal grant', async () => {
    const { clientId, clientSecret } = cloudlx.credentials;
    for (const c of cloudlxCases(clientId, clientSecret)) {
      const res = await expectCase(
        http(() => cloudlx.url),
        '/api/oauth2/access-token',
        c,
      );
      if (c.name === 'a body over 1 MiB') expect(res.headers.get('connection')).toBe('close');
    }
    await expect(cloudlxGrant(fetch, cloudlx.url, clientId, clientSecret)).resolves.toBeDefined();
  });

  it('CloudCX and Sensu: every case over TCP', async () => {
    for (const c of cloudcxCases(cloudcx.credentials))
      await expectCase(
        http(() => cloudcx.url),
        '/oauth/token',
        c,
      );
    const s = sensu.credentials;
    const tokens = await sensuLogin(fetch, sensu.url, s.username, s.password);
    for (const c of sensuCases(tokens.access_token, tokens.refresh_token, s.username, s.password)) {
      await expectCase(
        http(() => sensu.url),
        c.init.method === 'POST' ? '/auth/token' : '/auth',
        c,
      );
    }
  });

  it('refuses a streamed body (no Content-Length) once it passes 1 MiB', async () => {
    const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 40) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${cloudlx.url}/api/oauth2/access-token`, {
      method: 'POST',
      headers: { accept: cloudlxAccept, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(missing('grant_type'));
  });

  it('answers CR/LF smuggled into a header like the front server does, and keeps serving', async () => {
    const lx = await rawExchange(
      cloudlx.port,
      'GET /api/services HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abc\rX-Injected: yes\r\n\r\n',
    );
    expect(lx).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(lx).toContain('<center>nginx</center>');
    const se = await rawExchange(
      sensu.port,
      'GET /api/core/v2/namespaces HTTP/1.1\r\nHost: x\r\nAuthorization: Key abc\nX-Injected: yes\r\n\r\n',
    );
    expect(se).toBe(
      'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request',
    );
    const { clientId, clientSecret } = cloudlx.credentials;
    await expect(cloudlxGrant(fetch, cloudlx.url, clientId, clientSecret)).resolves.toBeDefined();
  });

  it('Sensu GET /version: Go net/http 400 for a malformed request, 431 for headers over 1 MB', async () => {
    expect(await rawExchange(sensu.port, 'GET /version HTTP/1.1\r\nHost x\r\n\r\n')).toBe(
      'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request',
    );
    const big = `GET /version HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1024 * 1024 + 10)}\r\n\r\n`;
    expect(await rawExchange(sensu.port, big)).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large',
    );
    // Go takes up to 1 MB of headers, so 20 KB is fine here (Node's default would refuse it).
    const fine = await rawExchange(
      sensu.port,
      `GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(fine).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('survives a body cut off mid-way and a client that stops sending', async () => {
    const truncated = await rawExchange(
      cloudlx.port,
      'POST /api/oauth2/access-token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"grant_type":',
    );
    expect(truncated).toMatch(/^HTTP\/1\.1 400 /);
    // A stalled upload holds only its own connection: the server keeps answering others.
    const stalled = connect(cloudlx.port, '127.0.0.1');
    stalled.on('error', () => undefined);
    stalled.write(
      'POST /api/oauth2/access-token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"gr',
    );
    const { clientId, clientSecret } = cloudlx.credentials;
    await expect(cloudlxGrant(fetch, cloudlx.url, clientId, clientSecret)).resolves.toBeDefined();
    stalled.destroy();
    const garbage = await rawExchange(cloudlx.port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    await expect(cloudlxGrant(fetch, cloudlx.url, clientId, clientSecret)).resolves.toBeDefined();
  });

  it('answers unknown paths and wrong methods in each vendor format', async () => {
    const notFound = await fetch(`${sensu.url}/api/nowhere`);
    expect(notFound.status).toBe(404);
    expect(await notFound.text()).toBe('{"code":2,"message":"not found"}\n');
    const wrongMethod = await fetch(`${sensu.url}/auth`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('content-type')).toBeNull();
    const cx = await fetch(`${cloudcx.url}/oauth/token`);
    expect(cx.status).toBe(405);
    expect(await cx.json()).toMatchObject({
      status: 405,
      error: 'Method Not Allowed',
      path: '/oauth/token',
    });
  });
});
