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
