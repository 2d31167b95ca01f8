export {
  type AdvertisedLifetime,
  advertisedLifetimes,
  negativeLifetimeSeconds,
} from './advertised-lifetime';
export { defaultPorts } from './cli-options';
export {
  type Clock,
  createManualClock,
  type ManualClock,
  maxClockOffsetMs,
  systemClock,
} from './clock';
export { controlPrefix } from './control-routes';
export type {
  LiveTokenCounts,
  SandboxClockState,
  SandboxControl,
  SandboxCounters,
  SandboxState,
} from './control-types';
export {
  type CorsOrigins,
  type CorsSetting,
  corsAllowedHeaders,
  corsExposedHeaders,
  corsMaxAgeSeconds,
} from './cors';
export { createSandbox, type InProcessSandbox } from './create-sandbox';
export {
  type ActiveFault,
  type FaultDetails,
  type FaultInput,
  FaultInputError,
  type FaultKind,
  type FaultRoutes,
  type FaultScope,
  faultKinds,
  type RetryAfter,
  type RetryAfterFormat,
  type RetryAfterInput,
} from './faults';
export {
  type CloudcxCredentials,
  type CloudcxSandboxOptions,
  type CloudlxCredentials,
  type CloudlxSandboxOptions,
  type CommonSandboxOptions,
  type CredentialsByVendor,
  defaultCredentials,
  defaultLifetimes,
  type SandboxOptions,
  type SensuCredentials,
  type SensuSandboxOptions,
  type TokenLifetimes,
  type Vendor,
  vendorNames,
} from './options';
export {
  type RunningSandbox,
  type StartSandboxOptions,
  startSandbox,
} from './start-sandbox';
