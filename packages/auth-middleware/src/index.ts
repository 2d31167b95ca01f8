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
export { basicAuthorization } from './basic-auth';
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
export type { GrantContext, GrantStep, GrantStrategy } from './grant';
export type { AuthErrorEvent, AuthHooks, AuthLogger, TokenEvent } from './observability';
export { redact } from './redact';
export {
  IDEMPOTENT_METHODS,
  RETRY_HEADER,
  type RetryEvent,
  type RetryOptions,
  TRANSIENT_STATUSES,
} from './retry';
export { TokenManager, type TokenManagerOptions } from './token-manager';
export {
  optionalLifetime,
  optionalString,
  processOAuth2TokenResponse,
  readJsonObject,
  requireNumber,
  requireString,
  type TokenResponseContext,
  tokenEndpointError,
} from './token-response';
export { expiresAtFromEpochSeconds, expiresAtFromExpiresIn, type TokenSet } from './token-set';
export {
  deriveStoreKey,
  type LeaseOptions,
  MemoryTokenStore,
  type StoreCoordination,
  type StoreLease,
  type TokenStore,
} from './token-store';
export { assertSecureUrl } from './transport';
export {
  ConnectionError,
  InvalidResponseBodyError,
  RequestAbortedError,
  RequestTimeoutError,
} from './transport-errors';
export { withTypedErrors } from './typed-client';
