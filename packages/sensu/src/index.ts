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
  createSensuClient,
  SENSU_BASE_URL,
  type SensuApiKeyAuth,
  type SensuAuthControls,
  type SensuClient,
  type SensuClientOptions,
  type SensuEntity,
  type SensuPasswordAuth,
} from './client';
export type { components, operations, paths } from './generated/schema';
