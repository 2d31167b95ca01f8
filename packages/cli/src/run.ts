// The `tokenwire` commands: parse, resolve credentials, run, and map every failure to an
// exit code and a message that carries no secret.
import { readFile } from 'node:fs/promises';
import { AuthError, InvalidOptionsError } from '@tokenwire/auth-middleware';
import { CommandError, UsageError } from './cli-errors';
import {
  type CommandDef,
  commandHelp,
  mainHelp,
  type ParsedCommand,
  parseCommandLine,
} from './commands';
import { resolveCredentials } from './credentials';
import { formatExchange, recordingFetch } from './exchanges';
import { FileTokenStore } from './file-token-store';
import type { CliIo } from './io';
import { observedStore } from './observed-store';
import { matchOperation, pathMatches } from './operations';
import { defaultCacheDir } from './platform-dirs';
import { profilesPath, readProfiles, writeProfiles } from './profiles';
import { readStdinLine } from './prompt';
import { runDocs, runMock, runSandbox } from './servers';
import {
  type AnyClient,
  type Credentials,
  createClient,
  isVendor,
  secretsOf,
  usesApiKey,
  type Vendor,
  vendorInfo,
  vendors,
} from './vendors';

type Values = ParsedCommand['values'];

/** Every secret seen in this run, scrubbed from anything printed. */
const secrets = new Set<string>();

function scrub(text: string): string {
  let clean = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  }
  return clean;
}

function vendorArg(command: CommandDef, positionals: readonly string[]): Vendor {
  const name = positionals[0];
  if (!isVendor(name)) {
    throw new UsageError(
      `${name === undefined ? 'Missing the vendor' : `Unknown vendor "${name}"`}: tokenwire ${command.name} takes one of ${vendors.join(', ')}.`,
    );
  }
  return name;
}

function profileName(values: Values, io: CliIo): string {
  const flag = values.profile;
  return typeof flag === 'string' && flag !== '' ? flag : io.env.TOKENWIRE_PROFILE || 'default';
}

interface Session {
  readonly vendor: Vendor;
  readonly credentials: Credentials;
  readonly client: AnyClient;
  readonly store: FileTokenStore;
  readonly observed: ReturnType<typeof observedStore>;
  readonly exchanges: ReturnType<typeof recordingFetch>['exchanges'];
  readonly profile: string;
  readonly profilesFile: string;
}

async function openSession(
  vendor: Vendor,
  values: Values,
  io: CliIo,
  options: { prompt: boolean; keep?: (request: Request) => boolean },
): Promise<Session> {
  const profile = profileName(values, io);
  const profilesFile = profilesPath(io.env);
  const stored = (await readProfiles(profilesFile))[profile]?.[vendor];
  const { credentials } = await resolveCredentials(vendor, values, io, stored, options);
  for (const secret of secretsOf(credentials)) secrets.add(secret);
  const store = new FileTokenStore({ dir: defaultCacheDir({ env: io.env }) });
  const observed = observedStore(store);
  const recorder = recordingFetch(options.keep ?? (() => false));
  const client = createClient(vendor, credentials, {
    store: observed.store,
    fetch: recorder.fetch,
  });
  return {
    vendor,
    credentials,
    client,
    store,
    observed,
    exchanges: recorder.exchanges,
    profile,
    profilesFile,
  };
}

function json(value: unknown, io: CliIo): string {
  return `${JSON.stringify(value, null, io.stdoutIsTty ? 2 : undefined)}\n`;
}

async function tokenCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const vendor = vendorArg(parsed.command, parsed.positionals);
  const session = await openSession(vendor, parsed.values, io, { prompt: true });
  if (usesApiKey(session.credentials)) {
    const info = vendorInfo[vendor];
    throw new UsageError(
      `These ${info.title} credentials are an API key: there is no token to print. Send the key itself: Authorization: ${info.apiKeyScheme ?? 'Bearer'} $${info.env.apiKey ?? 'API_KEY'}.`,
    );
  }
  if (parsed.values.refresh === true) await session.client.auth.refresh();
  const accessToken = await session.client.auth.getAccessToken();
  if (parsed.values.json !== true) {
    io.out(`${accessToken}\n`);
    return 0;
  }
  const tokens = session.observed.find(accessToken);
  const expiresAt = tokens?.expiresAt;
  io.out(
    json(
      {
        access_token: accessToken,
        expires_at: expiresAt === undefined ? null : Math.floor(expiresAt / 1000),
        token_type: tokens?.tokenType ?? 'Bearer',
      },
      io,
    ),
  );
  return 0;
}

async function bodyOf(values: Values, io: CliIo): Promise<unknown> {
  const data = values.data;
  if (typeof data !== 'string') return undefined;
  let text = data;
  if (data === '@-') text = await readStdinLine(io.stdin);
  else if (data.startsWith('@')) {
    try {
      text = await readFile(data.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(
        `Could not read the body file ${data.slice(1)}: ${error instanceof Error ? error.message : String(error)}.`,
      );
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError('--data takes JSON (inline, @file or @- for stdin); this is not JSON.');
  }
}

function queryOf(values: Values): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const items = (Array.isArray(values.query) ? values.query : []).map(String);
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`-q takes KEY=VALUE; got "${item}".`);
    const key = item.slice(0, at);
    const value = item.slice(at + 1);
    const current = query[key];
    query[key] =
      current === undefined ? value : [...(Array.isArray(current) ? current : [current]), value];
  }
  return query;
}

async function callCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const vendor = vendorArg(parsed.command, parsed.positionals);
  const [, methodArg, pathArg] = parsed.positionals;
  if (methodArg === undefined || pathArg === undefined || parsed.positionals.length > 3) {
    throw new UsageError(
      `Usage: tokenwire call ${vendor} <METHOD> <path> [-q key=value]... [-d JSON|@file]`,
    );
  }
  const method = methodArg.toUpperCase();
  const url = new URL(pathArg, 'http://path.invalid');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  Object.assign(query, queryOf(parsed.values));
  const { operation, pathParams } = matchOperation(vendor, method, url.pathname);
  const paginate = parsed.values.paginate === true;
  if (paginate && vendor === 'cloudlx') {
    throw new UsageError(
      '--paginate follows CloudCX pages and Sensu continue tokens; CloudLX lists come in one answer.',
    );
  }
  const body = await bodyOf(parsed.values, io);
  const session = await openSession(vendor, parsed.values, io, {
    prompt: true,
    keep: (request) => pathMatches(operation.path, new URL(request.url).pathname),
  });
  const caller = session.client.method(method);
  const send = async (pageQuery: Record<string, string | string[]>) =>
    caller(operation.path, {
      params: { path: pathParams, query: pageQuery },
      ...(body === undefined ? {} : { body }),
    });

  const items: unknown[] = [];
  let result = await send(query);
  for (let page = 1; ; page++) {
    if (!result.response.ok) break;
    if (!paginate) break;
    const data = result.data;
    if (vendor === 'cloudcx') {
      const pageData = (
        data as { data?: { content?: unknown[]; number?: number; totalPages?: number } } | undefined
      )?.data;
      if (!pageData || !Array.isArray(pageData.content)) {
        throw new UsageError(
          `--paginate: ${method} ${operation.path} does not answer CloudCX pages.`,
        );
      }
      items.push(...pageData.content);
      const index = (pageData.number ?? 0) + 1;
      if (index >= (pageData.totalPages ?? 0)) break;
      result = await send({ ...query, pageIndex: String(index + 1) });
    } else {
      if (!Array.isArray(data)) {
        throw new UsageError(`--paginate: ${method} ${operation.path} does not answer a list.`);
      }
      items.push(...data);
      const next = result.response.headers.get('sensu-continue');
      if (!next) break;
      result = await send({ ...query, continue: next });
    }
    if (page > 10_000) throw new CommandError('--paginate stopped after 10000 pages.');
  }
  if (parsed.values.include === true) {
    for (const exchange of session.exchanges) io.out(`${scrub(formatExchange(exchange))}\n`);
  }
  const { response } = result;
  if (!response.ok) {
    if (result.error !== undefined && result.error !== '')
      io.out(typeof result.error === 'string' ? `${result.error}\n` : json(result.error, io));
    throw new CommandError(
      `The API answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} to ${method} ${url.pathname}.`,
    );
  }
  if (paginate) io.out(json(items, io));
  else if (result.data !== undefined) io.out(json(result.data, io));
  return 0;
}

async function loginCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const vendor = vendorArg(parsed.command, parsed.positionals);
  const session = await openSession(vendor, parsed.values, io, { prompt: true });
  const info = vendorInfo[vendor];
  if (usesApiKey(session.credentials)) {
    // An API key has no token call to test it with: one cheap call does.
    const probe =
      vendor === 'cloudcx'
        ? { path: '/openapi/v2/user/page', query: { pageSize: 1 } }
        : { path: '/api/core/v2/namespaces', query: {} };
    const { response } = await session.client.method('GET')(probe.path, {
      params: { query: probe.query },
    });
    if (!response.ok) {
      throw new CommandError(
        `${info.title} refused the API key: HTTP ${response.status} to GET ${probe.path}. Check the key (and the base URL ${session.credentials.baseUrl}).`,
      );
    }
  } else {
    await session.client.auth.getAccessToken();
  }
  const profiles = await readProfiles(session.profilesFile);
  profiles[session.profile] = { ...profiles[session.profile], [vendor]: session.credentials };
  await writeProfiles(session.profilesFile, profiles);
  io.err(
    `Logged in to ${info.title} at ${session.credentials.baseUrl} (profile "${session.profile}"). Credentials stored in ${session.profilesFile}; tokens cached in ${session.store.dir}.\n`,
  );
  return 0;
}

async function logoutCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const vendor = vendorArg(parsed.command, parsed.positionals);
  const session = await openSession(vendor, parsed.values, io, { prompt: false });
  const info = vendorInfo[vendor];
  if (!usesApiKey(session.credentials)) {
    const { logout } = session.client.auth;
    if (logout) {
      try {
        await logout();
      } catch (error) {
        // The tokens are forgotten all the same (logout does that first).
        io.err(`warning: ending the ${info.title} session failed: ${scrub(messageOf(error))}\n`);
      }
    } else {
      await session.client.auth.invalidate();
    }
  }
  const profiles = await readProfiles(session.profilesFile);
  const entry = profiles[session.profile];
  if (entry?.[vendor]) {
    delete entry[vendor];
    await writeProfiles(session.profilesFile, profiles);
  }
  io.err(
    `Logged out of ${info.title} at ${session.credentials.baseUrl}: ${vendor === 'sensu' ? 'session ended, ' : ''}cached tokens forgotten, credentials removed from profile "${session.profile}".\n`,
  );
  return 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What to print for a failure, and the exit code. */
function failure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof UsageError) return { message: error.message, exitCode: 2 };
  if (error instanceof InvalidOptionsError) {
    return { message: `${error.message} [${error.code}]`, exitCode: 2 };
  }
  if (error instanceof CommandError) return { message: error.message, exitCode: 1 };
  if (error instanceof AuthError)
    return { message: `${error.message} [${error.code}]`, exitCode: 1 };
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return { message: `${error.message} [${error.code}]`, exitCode: 1 };
  }
  return { message: `Unexpected failure: ${messageOf(error)}`, exitCode: 1 };
}

/** Runs the `tokenwire` command line `args`; resolves with the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const debug = args.includes('--debug');
  try {
    const parsed = parseCommandLine(args);
    if (parsed === 'help') {
      io.out(`${mainHelp()}\n`);
      return 0;
    }
    if (parsed.values.help === true) {
      io.out(`${commandHelp(parsed.command)}\n`);
      return 0;
    }
    switch (parsed.command.name) {
      case 'token':
        return await tokenCommand(parsed, io);
      case 'call':
        return await callCommand(parsed, io);
      case 'login':
        return await loginCommand(parsed, io);
      case 'logout':
        return await logoutCommand(parsed, io);
      case 'sandbox':
        return await runSandbox(parsed.rest, io);
      case 'mock':
        return await runMock(parsed.values, io);
      case 'docs':
        return await runDocs(parsed.values, io);
      default:
        throw new UsageError(`Unknown command "${parsed.command.name}".`);
    }
  } catch (error) {
    const { message, exitCode } = failure(error);
    io.err(`tokenwire: ${scrub(message)}\n`);
    if (debug && error instanceof Error && error.stack) io.err(`${scrub(error.stack)}\n`);
    return exitCode;
  }
}
