// Where a vendor's credentials come from: flags, then the *-stdin flags, then environment
// variables, then the profile; a secret still missing is asked for at a terminal.
import { UsageError } from './cli-errors';
import type { CliIo } from './io';
import type { StoredCredentials } from './profiles';
import { promptSecret, readStdinLine } from './prompt';
import { type Credentials, type Field, fields, type Vendor, vendorInfo } from './vendors';

type Values = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** Where each credential came from, for messages. */
export type Source = 'flag' | 'stdin' | 'env' | 'profile' | 'prompt';

/** The credentials found, and where each came from. */
export interface ResolvedCredentials {
  readonly credentials: Credentials;
  readonly sources: Partial<Record<Field, Source>>;
}

function flagValue(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The usage message of missing credentials: the flags and the variables to set. */
export function missingMessage(vendor: Vendor, missing: readonly Field[]): string {
  const info = vendorInfo[vendor];
  const line = (field: Field) => {
    const { flag, stdinFlag } = fields[field];
    const flags = stdinFlag ? `--${stdinFlag} (or --${flag})` : `--${flag}`;
    const fallback =
      field === 'baseUrl' && info.defaultBaseUrl ? ` (default ${info.defaultBaseUrl})` : '';
    return `  ${flags} / ${info.env[field] ?? '?'}${fallback}`;
  };
  const [grant, ...others] = info.modes;
  return [
    `Missing ${info.title} credentials: ${missing.map((field) => fields[field].label).join(', ')}.`,
    'Pass them as flags or set the environment variables:',
    ...['baseUrl' as const, ...(grant ?? [])].map(line),
    ...others.flatMap((mode) => ['or, instead:', ...mode.map(line)]),
    `Or run tokenwire login ${vendor} once to store them in a profile (--profile NAME).`,
  ].join('\n');
}

/**
 * Resolves the credentials of `vendor`. Warns on stderr about a secret given as a plain
 * argument. With `prompt`, asks for a missing secret when stdin is a terminal.
 */
export async function resolveCredentials(
  vendor: Vendor,
  values: Values,
  io: CliIo,
  stored: StoredCredentials | undefined,
  options: { prompt: boolean },
): Promise<ResolvedCredentials> {
  const info = vendorInfo[vendor];
  const taken = new Set<Field>(['baseUrl', ...info.modes.flat()]);
  const found: Partial<Record<Field, string>> = {};
  const sources: Partial<Record<Field, Source>> = {};
  const put = (field: Field, value: string | undefined, source: Source) => {
    if (value === undefined || value === '' || found[field] !== undefined) return;
    found[field] = value;
    sources[field] = source;
  };

  for (const [field, spec] of Object.entries(fields) as [Field, (typeof fields)[Field]][]) {
    const flag = flagValue(values, spec.flag);
    if (flag !== undefined && !taken.has(field)) {
      throw new UsageError(`${info.title} takes no --${spec.flag}.`);
    }
    if (flag !== undefined && spec.secret) {
      io.err(
        `warning: --${spec.flag} puts the ${spec.label} in your shell history and the process list; prefer --${spec.stdinFlag}, ${info.env[field] ?? 'the environment'}, or the prompt.\n`,
      );
    }
    put(field, flag, 'flag');
  }
  const fromStdin = (Object.entries(fields) as [Field, (typeof fields)[Field]][]).filter(
    ([, spec]) => spec.stdinFlag !== undefined && values[spec.stdinFlag] === true,
  );
  if (fromStdin.length > 1) {
    throw new UsageError(
      `Only one secret can come from stdin; got ${fromStdin.map(([, spec]) => `--${spec.stdinFlag}`).join(' and ')}.`,
    );
  }
  for (const [field, spec] of fromStdin) {
    if (!taken.has(field)) throw new UsageError(`${info.title} takes no --${spec.stdinFlag}.`);
    if (found[field] === undefined) put(field, await readStdinLine(io.stdin), 'stdin');
  }

  // A set chosen on the command line wins: an API key given there ignores a stored password.
  const explicit = (field: Field) => sources[field] === 'flag' || sources[field] === 'stdin';
  const commandLineMode = info.modes.find((mode) => mode.some(explicit));
  const layers: [Source, Partial<Record<Field, string>>][] = [
    [
      'env',
      Object.fromEntries(Object.entries(info.env).map(([field, name]) => [field, io.env[name]])),
    ],
    ['profile', stored ?? {}],
  ];
  for (const [source, layer] of layers) {
    // A profile fills gaps only for the account it holds: with another base URL, client id
    // or username already chosen, its secrets belong to someone else.
    const otherAccount = [...taken].some(
      (field) =>
        !fields[field].secret &&
        found[field] !== undefined &&
        layer[field] !== undefined &&
        layer[field] !== found[field],
    );
    if (source === 'profile' && otherAccount) continue;
    for (const field of taken) {
      const inMode = !commandLineMode || field === 'baseUrl' || commandLineMode.includes(field);
      if (inMode) put(field, layer[field], source);
    }
  }

  const complete = (mode: readonly Field[]) => mode.every((field) => found[field] !== undefined);
  let mode = commandLineMode ?? info.modes.find(complete) ?? info.modes[0] ?? [];
  // Only the API key given: that is the set.
  if (!commandLineMode && !complete(mode) && found.apiKey !== undefined) mode = ['apiKey'];

  let missing = mode.filter((field) => found[field] === undefined);
  const canPrompt = options.prompt && io.stdin.isTTY === true && fromStdin.length === 0;
  if (canPrompt && missing.every((field) => fields[field].secret)) {
    for (const field of missing) {
      const value = await promptSecret(
        `${info.title} ${fields[field].label}: `,
        io.stdin,
        io.stderrStream,
      );
      put(field, value, 'prompt');
    }
    missing = mode.filter((field) => found[field] === undefined);
  }
  const baseUrl = found.baseUrl ?? info.defaultBaseUrl;
  if (baseUrl === undefined) missing = ['baseUrl', ...missing];
  if (missing.length) throw new UsageError(missingMessage(vendor, missing));

  const credentials: Credentials = { baseUrl: baseUrl ?? '' };
  for (const field of mode) credentials[field] = found[field] ?? '';
  return { credentials, sources };
}
