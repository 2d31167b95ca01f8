/**
 * `@tokenwire/auth-middleware`: the entry for applications. Token and API-key auth for
 * openapi-fetch clients (`createTokenAuth`, `createStaticAuth`), their options, every error
 * they reject with, the token store contract and its in-memory store, and `redact`.
 *
 * Strategy and vendor authors find the building blocks (the token manager, grant steps,
 * token-response checks, option checks, `client.auth` controls) in
 * `@tokenwire/auth-middleware/vendor-kit`.
 *
 * @packageDocumentation
 */
export { ApiResponseError } from './api-error';
export {
  type Auth,
  type CallOptions,
  createStaticAuth,
  createTokenAuth,
  type RequestFetch,
  type StaticAuthOptions,
  type TokenAuth,
  type TokenAuthOptions,
} from './auth';
export {
  AuthError,
  type AuthErrorCode,
  CredentialsRejectedError,
  InsecureTransportError,
  InvalidOptionsError,
  InvalidTokenResponseError,
  TokenEndpointError,
  type TokenEndpointErrorDetails,
  TokenRequestError,
} from './errors';
export type { AuthErrorEvent, AuthHooks, AuthLogger, TokenEvent } from './observability';
export { redact } from './redact';
export {
  IDEMPOTENT_METHODS,
  RETRY_HEADER,
  type RetryEvent,
  type RetryOptions,
  TRANSIENT_STATUSES,
} from './retry';
export type { TokenManagerOptions } from './token-manager';
export type { TokenSet } from './token-set';
export {
  type LeaseOptions,
  MemoryTokenStore,
  type StoreCoordination,
  type StoreLease,
  type TokenStore,
} from './token-store';
export {
  ConnectionError,
  InvalidResponseBodyError,
  RequestAbortedError,
  RequestTimeoutError,
} from './transport-errors';
