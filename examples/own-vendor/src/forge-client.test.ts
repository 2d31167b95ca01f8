import { generateKeyPairSync } from 'node:crypto';
import {
  CredentialsRejectedError,
  InvalidOptionsError,
  TokenRequestError,
} from '@tokenwire/auth-middleware';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from './fake-server';
import { createForgeClient } from './forge-client';

const keyPair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
const app = keyPair();
const servers: FakeServer[] = [];

async function setup(options: { echoAssertion?: boolean; clock?: () => number } = {}) {
  const server = await startFakeServer({
    publicKey: app.publicKey,
    appId: '42',
    installationId: '7',
    ...options,
  });
  servers.push(server);
  return server;
}

const clientFor = (
  server: FakeServer,
  overrides: { privateKey?: string; clock?: () => number } = {},
) =>
  createForgeClient({
    baseUrl: server.baseUrl,
    appId: '42',
    installationId: '7',
    privateKey: overrides.privateKey ?? app.privateKey,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  });

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('the Forge client (a signed-assertion vendor)', () => {
  it('requests no token until the first call, then sends it as "token <t>"', async () => {
    const server = await setup();
    const client = clientFor(server);
    expect(server.tokenRequests).toBe(0);
    const { data, error } = await client.GET('/installation/repositories');
    expect(error).toBeUndefined();
    expect(data?.repositories).toEqual([{ full_name: 'acme/anvil' }]);
    expect(server.tokenRequests).toBe(1);
    expect(server.refusedApiCalls).toBe(0);
  });

  it('makes one token request for 50 concurrent cold calls', async () => {
    const server = await setup();
    const client = clientFor(server);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.GET('/installation/repositories')),
    );
    expect(results.every((result) => result.response.status === 200)).toBe(true);
    expect(server.tokenRequests).toBe(1);
  });

  it('after a revocation, makes one new grant and replays the call once', async () => {
    const server = await setup();
    const client = clientFor(server);
    await client.GET('/installation/repositories');
    server.revoke();
    const { response } = await client.GET('/installation/repositories');
    expect(response.status).toBe(200);
    expect(server.tokenRequests).toBe(2);
    expect(server.refusedApiCalls).toBe(1);
  });

  it('rejects an assertion signed with the wrong key with a CredentialsRejectedError', async () => {
    const server = await setup();
    const client = clientFor(server, { privateKey: keyPair().privateKey });
    const error = await client.auth.getAccessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((error as CredentialsRejectedError).status).toBe(401);
  });

  it('never shows an assertion the token endpoint echoes back', async () => {
    const server = await setup({ echoAssertion: true });
    const client = clientFor(server, { privateKey: keyPair().privateKey });
    const error = await client.GET('/installation/repositories').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    const assertion = server.lastAssertion;
    expect(assertion).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    const rejected = error as CredentialsRejectedError;
    // The server did echo it: the masked body still has the field.
    expect(JSON.stringify(rejected.body)).toContain('jwt');
    for (const text of [rejected.message, JSON.stringify(rejected.body), String(error)]) {
      expect(text).not.toContain(assertion);
      expect(text).not.toContain(assertion?.split('.')[2]);
    }
    expect(JSON.stringify(rejected)).not.toContain(assertion);
  });

  it('refuses a private key that is not PEM with an InvalidOptionsError naming the option', async () => {
    const server = await setup();
    expect(() => clientFor(server, { privateKey: 'ghp_not-a-key' })).toThrow(InvalidOptionsError);
    expect(() => clientFor(server, { privateKey: 'ghp_not-a-key' })).toThrow(/privateKey/);
  });

  it('reports a key that cannot be imported as TOKEN_REQUEST_BUILD_FAILED, sending nothing', async () => {
    const server = await setup();
    const client = clientFor(server, {
      privateKey: '-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----',
    });
    const error = await client.auth.getAccessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as TokenRequestError).code).toBe('TOKEN_REQUEST_BUILD_FAILED');
    expect((error as TokenRequestError).cause).toBeInstanceOf(Error);
    expect(server.tokenRequests).toBe(0);
  });

  it('renews the token before its ISO expires_at, without a 401 (injected clock)', async () => {
    let now = Date.parse('2026-03-01T12:00:00Z');
    const clock = () => now;
    const server = await setup({ clock });
    const client = clientFor(server, { clock });
    await client.GET('/installation/repositories');
    expect(server.tokenRequests).toBe(1);

    now += 30 * 60_000; // half an hour: still fresh
    await client.GET('/installation/repositories');
    expect(server.tokenRequests).toBe(1);

    now += 30 * 60_000 - 10_000; // 10 s before expires_at: within the 30 s refresh skew
    const { response } = await client.GET('/installation/repositories');
    expect(response.status).toBe(200);
    expect(server.tokenRequests).toBe(2);
    expect(server.refusedApiCalls).toBe(0);
  });
});
