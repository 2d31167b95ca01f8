export {
  ApiResponseError,
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
export {
  type CloudCxApiKeyAuth,
  type CloudCxClient,
  type CloudCxClientOptions,
  type CloudCxPasswordAuth,
  type CloudCxUser,
  createCloudCxClient,
} from './client';
export { CloudCxApiError } from './errors';
export type { components, operations, paths } from './generated/schema';
