// Type-checked in a fresh project under `strict`, once with moduleResolution node16 and
// once with bundler: the published types must work both ways.

import { createTokenAuth, MemoryTokenStore } from '@tokenwire/auth-middleware';
import type { ClientAuthControls, GrantStrategy } from '@tokenwire/auth-middleware/vendor-kit';
import { FileTokenStore } from '@tokenwire/cli';
import { CloudCxApiError, type CloudCxClient, createCloudCxClient } from '@tokenwire/cloudcx';
import {
  type CloudLxClient,
  CredentialsRejectedError,
  createCloudLxClient,
} from '@tokenwire/cloudlx';
import {
  createRedisStore,
  type RedisStoreErrorEvent,
  type RedisTokenStore,
} from '@tokenwire/redis-store';
import { startSandbox } from '@tokenwire/sandbox';
import { createSensuClient, type SensuClient, type SensuEntity } from '@tokenwire/sensu';

export async function main(): Promise<void> {
  const sandbox = await startSandbox({ vendor: 'cloudlx', port: 0 });
  const cloudlx: CloudLxClient = createCloudLxClient({
    baseUrl: sandbox.url,
    clientId: sandbox.credentials.clientId,
    clientSecret: sandbox.credentials.clientSecret,
    store: new MemoryTokenStore(),
  });
  const { data } = await cloudlx.GET('/api/services');
  const redisStore: RedisTokenStore = createRedisStore({
    url: 'redis://127.0.0.1:6379',
    encryptionKey: 'a-32-byte-secret-for-the-types!!',
    onError: (event: RedisStoreErrorEvent) => void event.code,
  });
  const shared: CloudLxClient = createCloudLxClient({
    clientId: 'id',
    clientSecret: 'secret',
    store: redisStore,
  });
  // @ts-expect-error: url and client are exclusive
  createRedisStore({ url: 'redis://127.0.0.1:6379', client: redisStore });
  await redisStore.close();
  const first: number | undefined = data?.services[0]?.id;
  // @ts-expect-error: the path does not exist
  await cloudlx.GET('/api/nope');
  const cloudcx: CloudCxClient = createCloudCxClient({
    baseUrl: 'https://cx.example.test',
    auth: { apiKey: 'k' },
  });
  const sensu: SensuClient = createSensuClient({
    auth: { username: 'u', password: 'p' },
    store: new FileTokenStore({ dir: '/tmp/tokenwire-types' }),
  });
  const entities: AsyncGenerator<SensuEntity> = sensu.iterateEntities('default');
  const strategy: GrantStrategy | undefined = undefined;
  const controls: ClientAuthControls = cloudlx.auth;
  void [
    first,
    shared,
    cloudcx,
    entities,
    strategy,
    controls,
    createTokenAuth,
    CloudCxApiError,
    CredentialsRejectedError,
  ];
  await sandbox.close();
}
