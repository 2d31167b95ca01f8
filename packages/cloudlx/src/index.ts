export {
  ApiResponseError,
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
export {
  CLOUDLX_BASE_URL,
  type CloudLxClient,
  type CloudLxClientOptions,
  type CloudLxPaths,
  createCloudLxClient,
} from './client';
export type { components, operations, paths } from './generated/schema';
