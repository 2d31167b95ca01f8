// The command and option definitions: `node:util` parseArgs reads the command line from
// them, and the help text is written from them, so the two cannot drift apart.
import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors';
import { fields, vendorInfo, vendors } from './vendors';

/** One option of a command. */
export interface OptionDef {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's placeholder in the help, e.g. `NAME`. */
  readonly value?: string;
  readonly description: string;
}

/** One command: its name, positionals, summary and options. */
export interface CommandDef {
  readonly name: string;
  readonly args: string;
  readonly summary: string;
  readonly options: readonly OptionDef[];
  /** Extra help lines after the options. */
  readonly notes?: readonly string[];
  /** Everything after the command goes to another program (`sandbox`). */
  readonly passThrough?: boolean;
  /** Whether the command takes vendor credentials (its help lists the variables). */
  readonly credentials?: boolean;
}

const globalOptions: readonly OptionDef[] = [
  {
    name: 'profile',
    type: 'string',
    value: 'NAME',
    description:
      'the profile of stored credentials to use (default: $TOKENWIRE_PROFILE or "default")',
  },
  { name: 'debug', type: 'boolean', description: 'print stack traces of failures' },
  { name: 'help', type: 'boolean', short: 'h', description: 'show this help' },
];

const credentialOptions: readonly OptionDef[] = [
  ...Object.values(fields).map(
    (field): OptionDef => ({
      name: field.flag,
      type: 'string',
      value: field.flag === 'base-url' ? 'URL' : 'VALUE',
      description: field.secret
        ? `the ${field.label} (warns: it lands in shell history; prefer --${field.stdinFlag})`
        : `the ${field.label}`,
    }),
  ),
  ...Object.values(fields)
    .filter((field) => field.stdinFlag !== undefined)
    .map(
      (field): OptionDef => ({
        name: field.stdinFlag ?? '',
        type: 'boolean',
        description: `read the ${field.label} from stdin (one line)`,
      }),
    ),
];

const vendorList = vendors.join('|');

/** Every command. */
export const commands: readonly CommandDef[] = [
  {
    name: 'token',
    credentials: true,
    args: `<${vendorList}>`,
    summary: 'print an access token (from the cache on disk while it is fresh)',
    options: [
      {
        name: 'json',
        type: 'boolean',
        description: 'print { access_token, expires_at, token_type }',
      },
      { name: 'refresh', type: 'boolean', description: 'refresh the token first' },
      ...credentialOptions,
    ],
    notes: [
      'curl -H "Authorization: Bearer $(tokenwire token cloudlx)" "$CLOUDLX_BASE_URL/api/services"',
    ],
  },
  {
    name: 'call',
    credentials: true,
    args: `<${vendorList}> <METHOD> <path>`,
    summary: 'make a call through the typed client and print the JSON answer',
    options: [
      {
        name: 'query',
        type: 'string',
        short: 'q',
        multiple: true,
        value: 'KEY=VALUE',
        description: 'a query parameter (repeatable)',
      },
      {
        name: 'data',
        type: 'string',
        short: 'd',
        value: 'JSON|@FILE|@-',
        description: 'the JSON body: inline, from a file, or from stdin',
      },
      {
        name: 'paginate',
        type: 'boolean',
        description: 'follow CloudCX pages and Sensu continue tokens; print one JSON array',
      },
      {
        name: 'include',
        type: 'boolean',
        short: 'i',
        description: 'print the request and response headers first (Authorization redacted)',
      },
      ...credentialOptions,
    ],
    notes: [
      "The path must be one of the spec's operations, e.g. /api/core/v2/namespaces/default/entities.",
    ],
  },
  {
    name: 'login',
    credentials: true,
    args: `<${vendorList}>`,
    summary: 'check credentials, store them in the profile, and cache a token',
    options: credentialOptions,
  },
  {
    name: 'logout',
    credentials: true,
    args: `<${vendorList}>`,
    summary: 'end the Sensu session, forget the cached tokens and the stored credentials',
    options: credentialOptions,
  },
  {
    name: 'sandbox',
    args: '[tokenwire-sandbox options]',
    summary: 'start the stateful vendor sandboxes (ports 4020-4022); --help lists its options',
    options: [],
    passThrough: true,
  },
  {
    name: 'mock',
    args: '',
    summary:
      'start Prism mock servers of the three specs (ports 4010-4012); needs @stoplight/prism-cli',
    options: [
      {
        name: 'vendor',
        type: 'string',
        multiple: true,
        value: 'NAME',
        description: `only this vendor (repeatable): ${vendors.join(', ')}`,
      },
      {
        name: 'port-offset',
        type: 'string',
        value: 'N',
        description: 'add N to every port (0 for none)',
      },
    ],
  },
  {
    name: 'docs',
    args: '',
    summary: 'serve the API reference pages (Redoc) of the three specs on 127.0.0.1',
    options: [
      {
        name: 'port',
        type: 'string',
        value: 'PORT',
        description: 'default 4030 (0 picks a free one)',
      },
    ],
    notes: [
      'The pages load the Redoc script from cdn.redoc.ly; the specs are served from this package.',
    ],
  },
];

function optionLine(option: OptionDef): string {
  const names = `${option.short ? `-${option.short}, ` : '    '}--${option.name}${option.value ? ` ${option.value}` : ''}`;
  return `  ${names.padEnd(34)} ${option.description}`;
}

function environmentLines(): string[] {
  return vendors.map(
    (vendor) =>
      `  ${vendorInfo[vendor].title.padEnd(9)} ${Object.values(vendorInfo[vendor].env).join(', ')}`,
  );
}

/** The help of the whole CLI. */
export function mainHelp(): string {
  return [
    'Usage: tokenwire <command> [options]',
    '',
    'Tokens and typed calls for CloudLX, CloudCX and Sensu Go from the shell.',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(9)} ${command.summary}`),
    '',
    'Options of every command:',
    ...globalOptions.map(optionLine),
    '',
    'Credentials come from the flags, else these variables, else the profile (tokenwire login):',
    ...environmentLines(),
    '',
    'Run tokenwire <command> --help for its options. Tokens are cached in $TOKENWIRE_CACHE_DIR',
    '(default: the platform cache directory), profiles in $TOKENWIRE_CONFIG_DIR.',
  ].join('\n');
}

/** The help of one command. */
export function commandHelp(command: CommandDef): string {
  const lines = [
    `Usage: tokenwire ${command.name}${command.args ? ` ${command.args}` : ''} [options]`,
    '',
    `${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`,
  ];
  if (command.options.length) lines.push('', 'Options:', ...command.options.map(optionLine));
  lines.push(...globalOptions.map(optionLine));
  if (command.credentials) {
    lines.push(
      '',
      'Credentials come from the flags, else these variables, else the profile:',
      ...environmentLines(),
    );
  }
  if (command.notes?.length) lines.push('', ...command.notes);
  return lines.join('\n');
}

/** A parsed command line. */
export interface ParsedCommand {
  readonly command: CommandDef;
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  /** The raw arguments after the command (for `sandbox`). */
  readonly rest: readonly string[];
}

/** The command line read against the definitions; `help` when no command was given. */
export function parseCommandLine(args: readonly string[]): ParsedCommand | 'help' {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return 'help';
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    throw new UsageError(
      `Unknown command "${name}". The commands are: ${commands.map((c) => c.name).join(', ')}.`,
    );
  }
  if (command.passThrough) return { command, positionals: [], values: {}, rest };
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
  > = {};
  for (const option of [...command.options, ...globalOptions]) {
    options[option.name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options,
      strict: true,
      allowPositionals: true,
    });
    return { command, positionals, values, rest };
  } catch (error) {
    throw new UsageError(
      `${error instanceof Error ? error.message : String(error)}\nRun tokenwire ${command.name} --help for its options.`,
    );
  }
}
