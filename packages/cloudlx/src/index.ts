export {
  CLOUDLX_BASE_URL,
  type CloudLxClient,
  type CloudLxClientOptions,
  type CloudLxPaths,
  createCloudLxClient,
} from './client';
export type { components, operations, paths } from './generated/schema';
