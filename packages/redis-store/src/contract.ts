import type { TokenStore } from '@tokenwire/auth-middleware';

// @tokenwire/auth-middleware exports TokenStore but not the types of its `coordination`
// member; they are derived from it here, so they follow the contract as it changes.

/** How the token managers of many processes sharing one store agree (auth-middleware's). */
export type StoreCoordination = NonNullable<TokenStore['coordination']>;

/** The options of `StoreCoordination.lease`: `ttlMs` and the `signal` that ends the wait. */
export type LeaseOptions = Parameters<StoreCoordination['lease']>[1];

/** A held lease on one key: `read`, fenced `write`, `release`. */
export type StoreLease = Awaited<ReturnType<StoreCoordination['lease']>>;
