import { type AdvertisedLifetime, checkAdvertisedLifetime } from './advertised-lifetime';
import { type Clock, checkClockOffset, systemClock } from './clock';
import { type CorsOrigins, type CorsSetting, checkCors } from './cors';

/** The vendors a sandbox can stand in for. */
export type Vendor = 'cloudlx' | 'cloudcx' | 'sensu';

/** Every {@link Vendor}, in the order the CLI starts them. */
export const vendorNames: readonly Vendor[] = ['cloudlx', 'cloudcx', 'sensu'];

export function isVendor(value: unknown): value is Vendor {
  return value === 'cloudlx' || value === 'cloudcx' || value === 'sensu';
}

/** CloudLX API applications (client id + secret, 40 alphanumerics each on the real service). */
export interface CloudlxCredentials {
  /** The API application's `client_id`. */
  clientId: string;
  /** Its `client_secret`. */
  clientSecret: string;
  /** A second API application whose portal user has no permissions: resources answer 403. */
  unprivilegedClientId: string;
  /** The second application's `client_secret`. */
  unprivilegedClientSecret: string;
}

/** A CloudCX OAuth client, the user whose password it exchanges, and a Control Panel API key. */
export interface CloudcxCredentials {
  /** The OAuth client's `client_id`. */
  clientId: string;
  /** Its `client_secret`. */
  clientSecret: string;
  /** The user of the password grant (no `:`: it may travel in HTTP Basic). */
  username: string;
  /** That user's password. */
  password: string;
  /** A Control Panel API key, sent as `Authorization: Bearer <apiKey>`; it never expires. */
  apiKey: string;
}

/** A Sensu user with cluster-admin rights, its API key, and a user bound to no role at all. */
export interface SensuCredentials {
  /** A user with cluster-admin rights (no `:`: it travels in HTTP Basic). */
  username: string;
  /** That user's password. */
  password: string;
  /** A UUID, sent as `Authorization: Key <apiKey>`. */
  apiKey: string;
  /** A user with no role binding: the namespace list answers 500 and entities 403. */
  unprivilegedUsername: string;
  /** That user's password. */
  unprivilegedPassword: string;
}

/** The credentials of each vendor's sandbox. */
export interface CredentialsByVendor {
  /** CloudLX: two API applications. */
  cloudlx: CloudlxCredentials;
  /** CloudCX: an OAuth client, a user, an API key. */
  cloudcx: CloudcxCredentials;
  /** Sensu Go: two users and an API key. */
  sensu: SensuCredentials;
}

/**
 * The default credentials: obviously fake, printed by the CLI banner, safe to commit in
 * tests. CloudLX ids and secrets are 40 alphanumerics like the real ones.
 */
export const defaultCredentials: { readonly [V in Vendor]: Readonly<CredentialsByVendor[V]> } = {
  cloudlx: {
    clientId: 'sandboxCloudlxClientId000000000000000000',
    clientSecret: 'sandboxCloudlxClientSecret00000000000000',
    unprivilegedClientId: 'sandboxCloudlxRestrictedId00000000000000',
    unprivilegedClientSecret: 'sandboxCloudlxRestrictedSecret0000000000',
  },
  cloudcx: {
    clientId: 'sandbox-cloudcx-client',
    clientSecret: 'sandbox-cloudcx-client-secret',
    username: 'sandbox-admin',
    password: 'sandbox-password',
    apiKey: 'sandbox-cloudcx-api-key',
  },
  sensu: {
    username: 'sandbox-admin',
    password: 'sandbox-password',
    apiKey: '00000000-0000-4000-8000-000000000001',
    unprivilegedUsername: 'sandbox-norole',
    unprivilegedPassword: 'sandbox-password',
  },
};

/** How long the tokens a sandbox issues live. */
export interface TokenLifetimes {
  /** Seconds an access token lives. */
  accessTokenTtlSeconds: number;
  /**
   * Seconds a refresh token lives. For Sensu this is the session's idle lifetime (renewed by
   * every login or refresh), which is what ends a refresh token there in practice.
   */
  refreshTokenTtlSeconds: number;
}

/** The vendors' real lifetimes (CloudCX's refresh lifetime is Spring's default: inferred). */
export const defaultLifetimes: { readonly [V in Vendor]: Readonly<TokenLifetimes> } = {
  cloudlx: { accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 604_800 },
  cloudcx: { accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 3600 },
  sensu: { accessTokenTtlSeconds: 300, refreshTokenTtlSeconds: 360 },
};

/** The options every vendor's sandbox takes. */
export interface CommonSandboxOptions {
  /** Access-token lifetime in seconds (default: the vendor's, e.g. 3600 or Sensu's 300). */
  accessTokenTtlSeconds?: number;
  /** Refresh-token lifetime in seconds (Sensu: the session's idle lifetime, default 360). */
  refreshTokenTtlSeconds?: number;
  /** The time source for every expiry decision (default: the system clock). */
  clock?: Clock;
  /**
   * Milliseconds the server's clock runs ahead of `clock` (negative: behind), e.g. -300000
   * for a server 5 minutes slow. Applies to everything, the `Date` header included. Default 0.
   */
  clockOffsetMs?: number;
  /**
   * How token responses advertise the access token's lifetime, whatever its real one
   * (`number`, the default, tells the truth). See {@link AdvertisedLifetime}.
   */
  advertisedLifetime?: AdvertisedLifetime;
  /**
   * Lets browser pages call the sandbox: `true` admits any origin (`*`), a string or a list
   * admits those origins only (e.g. `'http://localhost:5173'`). Default `false`: no CORS
   * headers at all, as a real vendor may well answer. See {@link CorsSetting}.
   */
  cors?: CorsSetting;
  /**
   * Receives the sandbox's rare diagnostic lines (an internal error, never a secret).
   * Default: `console.error`.
   */
  log?: (line: string) => void;
}

/** The options of a CloudLX sandbox. */
export interface CloudlxSandboxOptions extends CommonSandboxOptions {
  /** `cloudlx`. */
  vendor: 'cloudlx';
  /** Replaces some of the {@link defaultCredentials} (printable ASCII, no spaces). */
  credentials?: Partial<CloudlxCredentials>;
}

/** The options of a CloudCX sandbox. */
export interface CloudcxSandboxOptions extends CommonSandboxOptions {
  /** `cloudcx`. */
  vendor: 'cloudcx';
  /** Replaces some of the {@link defaultCredentials} (printable ASCII, no spaces). */
  credentials?: Partial<CloudcxCredentials>;
  /**
   * Whether token responses carry a `refresh_token` (default true). The vendor's own example
   * shows none; set false to test a client's fallback to the password grant.
   */
  issueRefreshTokens?: boolean;
}

/** The options of a Sensu Go sandbox. */
export interface SensuSandboxOptions extends CommonSandboxOptions {
  /** `sensu`. */
  vendor: 'sensu';
  /** Replaces some of the {@link defaultCredentials} (printable ASCII, no spaces). */
  credentials?: Partial<SensuCredentials>;
}

/** The options of {@link createSandbox}: `vendor`, then that vendor's options. */
export type SandboxOptions = CloudlxSandboxOptions | CloudcxSandboxOptions | SensuSandboxOptions;

export interface ResolvedCommon {
  lifetimes: TokenLifetimes;
  advertisedLifetime: AdvertisedLifetime;
  clockOffsetMs: number;
  cors: CorsOrigins;
  clock: Clock;
  log: (line: string) => void;
}

export function checkLifetime(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `${name} must be a positive number of seconds (e.g. 2 or 3600); got ${String(value)}.`,
    );
  }
  return value;
}

// Credentials end up in HTTP headers (Basic, Bearer, Key) and in the CLI banner, so they
// must be printable ASCII without CR/LF; a Basic user name cannot contain ':'.
const printable = /^[\x21-\x7e]+$/;

export function resolveCredentials<C extends object>(
  vendor: Vendor,
  defaults: Readonly<C>,
  overrides: Partial<C> | undefined,
  noColon: ReadonlyArray<keyof C> = [],
): C {
  const merged: C = { ...defaults };
  if (overrides) {
    for (const key of Object.keys(overrides) as Array<keyof C>) {
      const value = overrides[key];
      if (value === undefined) continue;
      if (!(key in defaults)) {
        throw new TypeError(`Unknown ${vendor} credential "${String(key)}".`);
      }
      if (typeof value !== 'string' || !printable.test(value)) {
        throw new TypeError(
          `The ${vendor} credential "${String(key)}" must be a non-empty string of printable ASCII without spaces.`,
        );
      }
      if (noColon.includes(key) && value.includes(':')) {
        throw new TypeError(
          `The ${vendor} credential "${String(key)}" cannot contain ':' (it travels in HTTP Basic).`,
        );
      }
      merged[key] = value as C[keyof C];
    }
  }
  return merged;
}

export function resolveCommon(vendor: Vendor, options: CommonSandboxOptions): ResolvedCommon {
  const defaults = defaultLifetimes[vendor];
  return {
    lifetimes: {
      accessTokenTtlSeconds: checkLifetime(
        'accessTokenTtlSeconds',
        options.accessTokenTtlSeconds ?? defaults.accessTokenTtlSeconds,
      ),
      refreshTokenTtlSeconds: checkLifetime(
        'refreshTokenTtlSeconds',
        options.refreshTokenTtlSeconds ?? defaults.refreshTokenTtlSeconds,
      ),
    },
    advertisedLifetime: checkAdvertisedLifetime(
      'advertisedLifetime',
      options.advertisedLifetime ?? 'number',
    ),
    clockOffsetMs: checkClockOffset('clockOffsetMs', options.clockOffsetMs ?? 0),
    cors: checkCors('cors', options.cors ?? false),
    clock: options.clock ?? systemClock,
    log: options.log ?? ((line) => console.error(line)),
  };
}
