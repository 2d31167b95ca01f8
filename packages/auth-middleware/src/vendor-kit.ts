/**
 * `@tokenwire/auth-middleware/vendor-kit`: the entry for strategy and vendor authors, as
 * openai-node keeps its `core` apart from its `internal`. Applications need only the main
 * entry, `@tokenwire/auth-middleware`.
 *
 * Here: the token manager and the grant strategy contract; the token-response checks
 * (`processOAuth2TokenResponse`, `readJsonObject`, `requireString`...) and expiry helpers;
 * HTTP Basic, the HTTPS check and the store key; and the plumbing of a tokenwire vendor
 * client: option checks, `client.auth` controls, the API-key branch, raw token responses
 * through a typed client, and `withTypedErrors`.
 *
 * @packageDocumentation
 */
export { type ApiKeyAuthOptions, type ApiKeyClientAuth, apiKeyAuth } from './api-key-auth';
export { apiKeyControls, type ClientAuthControls, tokenControls } from './auth-controls';
export { basicAuthorization } from './basic-auth';
export {
  baseUrlOption,
  type CommonClientOptions,
  keyOption,
  splitClientOptions,
  staticAuthOptions,
  stringOption,
} from './client-options';
export type { GrantContext, GrantStep, GrantStrategy } from './grant';
export { FORM_ENCODED, formBody, type RawResponseInit, rawResponse } from './raw-response';
export { TokenManager } from './token-manager';
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
export {
  expiresAtFromEpochSeconds,
  expiresAtFromExpiresIn,
  expiresAtFromIsoTimestamp,
} from './token-set';
export { deriveStoreKey } from './token-store';
export { assertSecureUrl } from './transport';
export { withTypedErrors } from './typed-client';
