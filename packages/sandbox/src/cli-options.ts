import { parseArgs } from 'node:util';
import { checkClockOffset } from './clock';
import { type CorsOrigins, checkCors } from './cors';
import { durationSyntax, formatDuration, parseDuration } from './duration';
import {
  type CloudcxCredentials,
  type CloudlxCredentials,
  checkLifetime,
  defaultCredentials,
  isVendor,
  type SensuCredentials,
  type Vendor,
  vendorNames,
} from './options';
import type { StartSandboxOptions } from './start-sandbox';

/** The loopback ports of `pnpm sandbox` (kept equal to scripts/vendors.mjs). */
export const defaultPorts: Readonly<Record<Vendor, number>> = {
  cloudlx: 4020,
  cloudcx: 4021,
  sensu: 4022,
};

export const vendorTitles: Readonly<Record<Vendor, string>> = {
  cloudlx: 'CloudLX',
  cloudcx: 'CloudCX',
  sensu: 'Sensu Go',
};

interface CredentialFlag<C> {
  flag: string;
  key: keyof C & string;
  label: string;
  secret: boolean;
}

const credentialFlags: {
  cloudlx: CredentialFlag<CloudlxCredentials>[];
  cloudcx: CredentialFlag<CloudcxCredentials>[];
  sensu: CredentialFlag<SensuCredentials>[];
} = {
  cloudlx: [
    { flag: 'cloudlx-client-id', key: 'clientId', label: 'client_id', secret: false },
    { flag: 'cloudlx-client-secret', key: 'clientSecret', label: 'client_secret', secret: true },
  ],
  cloudcx: [
    { flag: 'cloudcx-client-id', key: 'clientId', label: 'client_id', secret: false },
    { flag: 'cloudcx-client-secret', key: 'clientSecret', label: 'client_secret', secret: true },
    { flag: 'cloudcx-username', key: 'username', label: 'username', secret: false },
    { flag: 'cloudcx-password', key: 'password', label: 'password', secret: true },
    { flag: 'cloudcx-api-key', key: 'apiKey', label: 'API key (Bearer)', secret: true },
  ],
  sensu: [
    { flag: 'sensu-username', key: 'username', label: 'username', secret: false },
    { flag: 'sensu-password', key: 'password', label: 'password', secret: true },
    { flag: 'sensu-api-key', key: 'apiKey', label: 'API key (Key)', secret: true },
  ],
};

export const usage = `Usage: tokenwire-sandbox [options]   (in this repo: pnpm sandbox [options])

Starts stateful stand-ins for CloudLX, CloudCX and Sensu Go on 127.0.0.1 (ports 4020,
4021, 4022): tokens expire, refresh, rotate and get revoked like on the real services.

Options:
  --vendor <name>            start only this vendor (repeatable): ${vendorNames.join(', ')}
  --access-ttl <seconds>     access-token lifetime for every vendor (default: each vendor's own)
  --refresh-ttl <seconds>    refresh-token lifetime (Sensu: the session's idle lifetime)
  --clock-offset <duration>  run the servers' clocks ahead (+) or behind (-) real time, Date
                             header included: ${durationSyntax}
  --cors[=<origins>]         let browser pages call the sandboxes: any origin, or only the
                             given ones (comma-separated, e.g. --cors=http://localhost:5173)
  --cloudlx-port <port>      default 4020 (0 picks a free port); likewise --cloudcx-port, --sensu-port
${Object.values(credentialFlags)
  .flat()
  .map((f) => `  --${f.flag} <value>`)
  .join('\n')}
  --cloudcx-no-refresh-tokens  CloudCX token answers carry no refresh_token
  -h, --help                 show this help

Stop with Ctrl-C (SIGINT) or SIGTERM.`;

export interface CliPlan {
  sandboxes: StartSandboxOptions[];
  /** Which credentials were given on the command line (so the banner can mask them). */
  overridden: ReadonlySet<string>;
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new TypeError(`--${name} takes a number; got "${value}".`);
  }
  return n;
}

/**
 * Joins the values parseArgs cannot take as a separate argument: `--clock-offset -5m`
 * (strict parseArgs refuses a value that starts with a dash) becomes `--clock-offset=-5m`;
 * a bare `--cors` (any origin) becomes `--cors=*`, and `--cors http://...` takes the origins.
 */
function joinValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    if (arg === '--clock-offset' && next !== undefined && /^[+-]\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else if (arg === '--cors') {
      const takesNext = next !== undefined && /^(https?:\/\/|\*$)/.test(next);
      joined.push(`--cors=${takesNext ? next : '*'}`);
      if (takesNext) i += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function corsOf(value: string | undefined): CorsOrigins | undefined {
  if (value === undefined) return undefined;
  const origins = value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  if (origins.length === 0) {
    throw new TypeError('--cors takes origins such as --cors=http://localhost:5173, or nothing.');
  }
  return checkCors('--cors', origins);
}

function clockOffsetOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return checkClockOffset('--clock-offset', parseDuration('--clock-offset', value));
}

function portOf(vendor: Vendor, value: string | undefined): number {
  const port = number(`${vendor}-port`, value) ?? defaultPorts[vendor];
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`--${vendor}-port takes a port from 0 to 65535; got "${value}".`);
  }
  return port;
}

/** Turns the command line into the sandboxes to start, or throws a message for the user. */
export function parseCli(args: readonly string[]): CliPlan | 'help' {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
  > = {
    vendor: { type: 'string', multiple: true },
    'access-ttl': { type: 'string' },
    'refresh-ttl': { type: 'string' },
    'clock-offset': { type: 'string' },
    cors: { type: 'string' },
    'cloudcx-no-refresh-tokens': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const vendor of vendorNames) options[`${vendor}-port`] = { type: 'string' };
  for (const flag of Object.values(credentialFlags).flat()) options[flag.flag] = { type: 'string' };

  // `pnpm sandbox -- --access-ttl 2` passes the `--` through: ignore a leading one.
  const rest = joinValues(args[0] === '--' ? args.slice(1) : args);
  const { values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false });
  if (values.help === true) return 'help';

  const str = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const requested = values.vendor;
  const vendors: Vendor[] = [];
  for (const name of Array.isArray(requested) ? requested : []) {
    if (typeof name !== 'string' || !isVendor(name)) {
      throw new TypeError(
        `--vendor takes one of ${vendorNames.join(', ')}; got "${String(name)}".`,
      );
    }
    if (!vendors.includes(name)) vendors.push(name);
  }
  if (vendors.length === 0) vendors.push(...vendorNames);

  const accessTtl = number('access-ttl', str('access-ttl'));
  const refreshTtl = number('refresh-ttl', str('refresh-ttl'));
  if (accessTtl !== undefined) checkLifetime('--access-ttl', accessTtl);
  if (refreshTtl !== undefined) checkLifetime('--refresh-ttl', refreshTtl);
  const clockOffsetMs = clockOffsetOf(str('clock-offset'));
  const cors = corsOf(str('cors'));
  const settings = {
    ...(accessTtl === undefined ? {} : { accessTokenTtlSeconds: accessTtl }),
    ...(refreshTtl === undefined ? {} : { refreshTokenTtlSeconds: refreshTtl }),
    ...(clockOffsetMs === undefined ? {} : { clockOffsetMs }),
    ...(cors === undefined ? {} : { cors }),
  };

  const overridden = new Set<string>();
  const credentialsOf = (vendor: Vendor): Record<string, string> => {
    const credentials: Record<string, string> = {};
    for (const flag of credentialFlags[vendor]) {
      const value = str(flag.flag);
      if (value !== undefined) {
        credentials[flag.key] = value;
        overridden.add(flag.flag);
      }
    }
    return credentials;
  };

  const common = (vendor: Vendor) => ({
    port: portOf(vendor, str(`${vendor}-port`)),
    host: '127.0.0.1',
    ...settings,
  });
  const build: { [V in Vendor]: () => StartSandboxOptions } = {
    cloudlx: () => ({
      vendor: 'cloudlx',
      ...common('cloudlx'),
      credentials: credentialsOf('cloudlx'),
    }),
    cloudcx: () => ({
      vendor: 'cloudcx',
      ...common('cloudcx'),
      credentials: credentialsOf('cloudcx'),
      issueRefreshTokens: values['cloudcx-no-refresh-tokens'] !== true,
    }),
    sensu: () => ({ vendor: 'sensu', ...common('sensu'), credentials: credentialsOf('sensu') }),
  };
  const sandboxes = vendors.map((vendor) => build[vendor]());
  return { sandboxes, overridden };
}

export interface BannerEntry {
  vendor: Vendor;
  url: string;
  credentials: Readonly<Record<string, string>>;
  lifetimes: { accessTokenTtlSeconds: number; refreshTokenTtlSeconds: number };
  /** The server clock's offset (ms); shown when not 0. */
  clockOffsetMs?: number;
  /** The browser origins admitted; shown when CORS is on. */
  cors?: CorsOrigins;
}

/**
 * The start-up banner: URLs and credentials. Default credentials are fake and printed; a
 * secret given on the command line is never echoed.
 */
export function banner(entries: readonly BannerEntry[], overridden: ReadonlySet<string>): string {
  const lines = [
    'tokenwire sandboxes (stateful: tokens expire, refresh and rotate like the real ones)',
    '',
  ];
  const row = (label: string, value: string) => `            ${label.padEnd(22)} ${value}`;
  for (const entry of entries) {
    const { accessTokenTtlSeconds: access, refreshTokenTtlSeconds: refresh } = entry.lifetimes;
    const refreshLabel = entry.vendor === 'sensu' ? 'session idle' : 'refresh';
    const offset = entry.clockOffsetMs ?? 0;
    const clock = offset === 0 ? '' : `, clock ${formatDuration(offset)}`;
    lines.push(
      `  ${vendorTitles[entry.vendor].padEnd(9)} ${entry.url}   (access ${access} s, ${refreshLabel} ${refresh} s${clock})`,
    );
    for (const flag of credentialFlags[entry.vendor]) {
      const value = entry.credentials[flag.key] ?? '';
      lines.push(
        row(
          flag.label,
          flag.secret && overridden.has(flag.flag) ? `(set by --${flag.flag})` : value,
        ),
      );
    }
    if (entry.vendor === 'cloudlx') {
      const d = defaultCredentials.cloudlx;
      lines.push(
        row('no-permission client', `${d.unprivilegedClientId} / ${d.unprivilegedClientSecret}`),
      );
      lines.push(row('send header', 'Accept: application/vnd.cloudlx.v1+json'));
    }
    if (entry.vendor === 'sensu') {
      const d = defaultCredentials.sensu;
      lines.push(row('no-role user', `${d.unprivilegedUsername} / ${d.unprivilegedPassword}`));
    }
    const cors = entry.cors ?? false;
    if (cors !== false) {
      lines.push(row('CORS (browsers)', cors === '*' ? 'any origin' : cors.join(', ')));
    }
    lines.push('');
  }
  lines.push(
    'Inspect and control each one under <url>/__sandbox (GET for state; POST .../faults,',
    '.../revoke-access-tokens, .../revoke-refresh-tokens, .../reset; PUT .../resources-unauthorized,',
    '.../lifetimes, .../advertised-lifetime, .../clock, .../cors).',
    'Open <url>/ in a browser for the credentials, the operations and the control API.',
    'Press Ctrl-C to stop.',
  );
  return lines.join('\n');
}
