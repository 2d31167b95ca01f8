/**
 * `@tokenwire/auth-middleware/vendor-kit`: the building blocks of a tokenwire vendor client
 * (option checks, `client.auth` controls, raw token responses through a typed client, the
 * error of a failed convenience call). Users of the middleware itself never need them; they
 * live apart so the main entry stays small.
 */
export { ApiResponseError } from './api-error';
export {
  apiKeyControls,
  baseUrlOption,
  type ClientAuthControls,
  type CommonClientOptions,
  formBody,
  rawResponse,
  splitClientOptions,
  staticAuthOptions,
  stringOption,
  tokenControls,
} from './client-options';
