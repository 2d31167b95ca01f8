/**
 * `@tokenwire/redis-store`: a Redis `TokenStore` for `@tokenwire/auth-middleware` and
 * the tokenwire vendor clients, shared by every process on the same Redis.
 */
export type { RedisClientLike, RedisSubscriberLike } from './connection';
export type { LeaseOptions, StoreCoordination, StoreLease } from './contract';
export {
  RedisStoreError,
  type RedisStoreErrorCode,
  type RedisStoreErrorEvent,
  type RedisStoreOperation,
} from './errors';
export {
  createRedisStore,
  type RedisStoreClientOptions,
  type RedisStoreCommonOptions,
  type RedisStoreOptions,
  type RedisStoreUrlOptions,
  type RedisTokenStore,
} from './redis-store';
