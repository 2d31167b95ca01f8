// The clients against `pnpm mock`: a stateless Prism mock of each spec, started the way
// scripts/mock.mjs starts it (no --errors), on a free loopback port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Prism, startPrism } from '../../../scripts/prism.mjs';
import { adapters, type ClientTarget, type VendorAdapter } from './vendors';

/** Credentials a Prism mock accepts: any that fit the spec's token request schema. */
const mockCredentials: Record<string, Record<string, string>> = {
  cloudlx: {
    clientId: 'EXAMPLEclientId0000000000000000000000000',
    clientSecret: 'EXAMPLEclientSecret000000000000000000000',
  },
  cloudcx: {
    clientId: 'EXAMPLEclientId000000000',
    clientSecret: 'EXAMPLEclientSecret-0000-0000-0000-000000000000',
    username: 'example-user',
    password: 'example-password',
    apiKey: 'EXAMPLEapiKey0000000000000000000',
  },
  sensu: {
    username: 'example-user',
    password: 'example-password',
    apiKey: '83abef1e-e7d7-4beb-91fc-79ad90084d5b',
  },
};

describe.each(adapters)('$vendor client against its Prism mock', (adapter: VendorAdapter) => {
  let prism: Prism;
  let target: ClientTarget;
  const seen: string[] = [];

  beforeAll(async () => {
    prism = await startPrism({ spec: `specs/${adapter.vendor}.yaml` });
    target = {
      url: prism.url,
      allowInsecureHttp: false,
      credentials: mockCredentials[adapter.vendor] ?? {},
      fetch: async (request, init) => {
        const response = await fetch(request, init);
        seen.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
        return response;
      },
    };
  });
  afterAll(async () => {
    await prism?.close();
  });

  it('a cold call gets a token from the mock and then a 200', async () => {
    seen.length = 0;
    const client = adapter.client(target, { retry: false });
    const response = await client.getResource();
    // On failure, the exchanges say which request the mock refused.
    expect({ status: response.status, seen }).toMatchObject({ status: 200 });
    expect(seen[0]).toMatch(/ 200$/);
    expect(seen).toHaveLength(2);
  });

  it.runIf(adapter.apiKeyClient)('an API-key call gets a 200', async () => {
    seen.length = 0;
    const response = await adapter.apiKeyClient?.(target, { retry: false }).getResource();
    expect({ status: response?.status, seen }).toMatchObject({ status: 200 });
    expect(seen).toHaveLength(1);
  });
});
