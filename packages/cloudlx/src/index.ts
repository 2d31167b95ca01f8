export {
  AuthError,
  type AuthErrorCode,
  type AuthHooks,
  type AuthLogger,
  ConnectionError,
  CredentialsRejectedError,
  InsecureTransportError,
  InvalidOptionsError,
  InvalidResponseBodyError,
  InvalidTokenResponseError,
  MemoryTokenStore,
  RETRY_HEADER,
  RequestAbortedError,
  RequestTimeoutError,
  type RetryEvent,
  type RetryOptions,
  TokenEndpointError,
  TokenRequestError,
  type TokenSet,
  type TokenStore,
} from '@tokenwire/auth-middleware';
export { ApiResponseError } from '@tokenwire/auth-middleware/vendor-kit';
export {
  CLOUDLX_BASE_URL,
  type CloudLxClient,
  type CloudLxClientOptions,
  type CloudLxPaths,
  createCloudLxClient,
} from './client';
export type { components, operations, paths } from './generated/schema';
