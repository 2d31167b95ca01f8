// The store contract this package implements, as @tokenwire/auth-middleware defines it.
export type { LeaseOptions, StoreCoordination, StoreLease } from '@tokenwire/auth-middleware';
