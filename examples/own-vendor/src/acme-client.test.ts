import { generateKeyPairSync } from 'node:crypto';
import { CredentialsRejectedError, InvalidOptionsError } from '@tokenwire/auth-middleware';
import { afterEach, describe, expect, it } from 'vitest';
import { createAcmeClient } from './acme-client';
import { type FakeServer, startFakeServer } from './fake-server';
import { listRepositories } from './usage';

const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
let server: FakeServer | undefined;

const start = async () => {
  server = await startFakeServer({ publicKey, appId: '42', installationId: '7' });
  return server;
};

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the Acme client (client_credentials with an audience)', () => {
  it('gets a token with the audience, once, and calls with Bearer', async () => {
    const fake = await start();
    const acme = createAcmeClient({
      baseUrl: fake.baseUrl,
      clientId: 'acme-id',
      clientSecret: 'acme-secret',
      audience: 'https://api.acme.example',
    });
    const [first, second] = await Promise.all([acme.GET('/v1/widgets'), acme.GET('/v1/widgets')]);
    expect(first.data?.widgets).toEqual(['anvil']);
    expect(second.data?.widgets).toEqual(['anvil']);
    expect(fake.tokenRequests).toBe(1);
  });

  it('reports a wrong secret as a CredentialsRejectedError without the secret', async () => {
    const fake = await start();
    const acme = createAcmeClient({
      baseUrl: fake.baseUrl,
      clientId: 'acme-id',
      clientSecret: 'not-the-secret',
      audience: 'https://api.acme.example',
    });
    const error = await acme.GET('/v1/widgets').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect(JSON.stringify(error) + String(error)).not.toContain('not-the-secret');
  });

  it('refuses an empty audience when the client is made', () => {
    expect(() =>
      createAcmeClient({
        baseUrl: 'https://api.acme.example',
        clientId: 'acme-id',
        clientSecret: 'acme-secret',
        audience: '',
      }),
    ).toThrow(InvalidOptionsError);
  });
});

describe("the guide's application code (usage.ts)", () => {
  it('lists the repositories', async () => {
    const fake = await start();
    await expect(listRepositories(fake.baseUrl, privateKey)).resolves.toEqual(['acme/anvil']);
  });

  it('turns a key that cannot be imported into its own message', async () => {
    const fake = await start();
    const broken = '-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----';
    await expect(listRepositories(fake.baseUrl, broken)).rejects.toThrow(
      /The private key is not usable/,
    );
  });
});
