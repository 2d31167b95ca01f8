export {
  AuthError,
  type AuthErrorCode,
  type AuthHooks,
  type AuthLogger,
  CredentialsRejectedError,
  InsecureTransportError,
  InvalidOptionsError,
  InvalidTokenResponseError,
  MemoryTokenStore,
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
