import { execFile, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import {
  type RunningSandbox,
  type SandboxCounters,
  startSandbox,
  type Vendor,
} from '@tokenwire/sandbox';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  installedWorkerd,
  miniflareModule,
  miniflareVersion,
  npmRuntimes,
  runtimeBinary,
} from './runtimes';

const exec = promisify(execFile);
const consumerDir = inject('consumerDir');
const chromiumPath = '/usr/bin/chromium';

type CaseName = 'cold' | 'refresh' | 'replay' | 'apiKey' | 'wrongCredentials';

/** The cases each vendor runs: CloudLX has no API key. */
const casesOf: Record<Vendor, CaseName[]> = {
  cloudlx: ['cold', 'refresh', 'replay', 'wrongCredentials'],
  cloudcx: ['cold', 'refresh', 'replay', 'apiKey', 'wrongCredentials'],
  sensu: ['cold', 'refresh', 'replay', 'apiKey', 'wrongCredentials'],
};

/**
 * The authenticated GET each vendor's checks call, how a token is obtained and refreshed,
 * and the status of the token endpoint's answer to wrong credentials.
 */
const wire: Record<
  Vendor,
  { resource: string; grant: string; refresh: string; rejectedStatus: number }
> = {
  cloudlx: {
    resource: 'GET /api/services',
    grant: 'POST /api/oauth2/access-token',
    refresh: 'POST /api/oauth2/refresh-token',
    rejectedStatus: 401,
  },
  cloudcx: {
    resource: 'GET /openapi/v2/user/page',
    grant: 'POST /oauth/token',
    refresh: 'POST /oauth/token',
    // Spring's password grant: 400 invalid_grant.
    rejectedStatus: 400,
  },
  sensu: {
    resource: 'GET /api/core/v2/namespaces',
    grant: 'GET /auth',
    refresh: 'POST /auth/token',
    rejectedStatus: 401,
  },
};

/** What one case reports (see consumer/runtime-checks.mjs). */
interface CallOutcome {
  status: number;
  data: boolean;
  error: boolean;
  requests: string[];
}
interface CaseResult {
  failed?: string;
  calls?: CallOutcome[];
  thrown?: {
    name?: string;
    code?: string;
    status?: number;
    isCredentialsRejectedError: boolean;
    isError: boolean;
  } | null;
  requests?: string[];
}
type Results = Partial<Record<Vendor, Partial<Record<CaseName, CaseResult>>>>;
type Plan = Partial<
  Record<Vendor, { urls: Partial<Record<CaseName, string>>; credentials: Record<string, string> }>
>;

/** A runtime of the matrix: a name with its version, and how it runs the plan. */
interface Runtime {
  name: string;
  run(plan: Plan): Promise<Results>;
}

/** Runs consumer/run-checks.mjs with a command-line runtime and parses its JSON line. */
async function runCli(command: string, args: string[], plan: Plan): Promise<Results> {
  const { stdout } = await exec(command, [...args, 'run-checks.mjs', JSON.stringify(plan)], {
    cwd: consumerDir,
    timeout: 90_000,
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  }).catch((error: { message: string; stdout?: string; stderr?: string }) => {
    throw new Error(`${command} failed: ${error.message}\n${error.stdout}\n${error.stderr}`);
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Results;
}

/** A static server on loopback for the page and the bundles (`/<entry>.js`). */
async function servePage(bundles: Map<string, string>): Promise<{ url: string; server: Server }> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>runtime checks</title><script type="module" src="/browser-checks.js"></script>';
  const server = createServer((request, response) => {
    const bundle = bundles.get(request.url ?? '');
    if (bundle !== undefined) {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle);
    } else if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, server };
}

/** Chromium's version, e.g. `156.0.8078.114`, or undefined when it is not installed. */
function chromiumVersion(): string | undefined {
  if (!existsSync(chromiumPath)) return undefined;
  // Debian's launcher script may complain on stderr about its own checks: not ours to show.
  const output = execFileSync(chromiumPath, ['--version'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return /(\d+(?:\.\d+)+)/.exec(output)?.[1];
}

/**
 * Bundles consumer/browser-checks.mjs and consumer/worker-checks.mjs with esbuild from the
 * installed tarballs, serves them from loopback (another origin than the sandboxes', so
 * every call is a CORS request), and runs the checks in Chromium: in the page itself, or
 * in a module Web Worker that the page starts.
 */
async function runChromium(plan: Plan, where: 'page' | 'worker'): Promise<Results> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: apt-get install chromium (.ci/run does this).`);
  }
  const bundled = await build({
    entryPoints: ['browser-checks.mjs', 'worker-checks.mjs'].map((file) => join(consumerDir, file)),
    absWorkingDir: consumerDir,
    outdir: join(consumerDir, 'bundles'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const bundles = new Map(
    bundled.outputFiles.map((file) => [`/${basename(file.path)}`, file.text] as const),
  );
  const page = await servePage(bundles);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
  });
  try {
    const tab = await browser.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    await tab.goto(page.url);
    await tab.waitForFunction(() => 'runChecks' in globalThis, undefined, { timeout: 30_000 });
    const results =
      where === 'page'
        ? await tab.evaluate(
            (input) =>
              (globalThis as unknown as { runChecks(plan: Plan): Promise<Results> }).runChecks(
                input,
              ),
            plan,
          )
        : await tab.evaluate(
            (input) =>
              new Promise<Results>((resolve, reject) => {
                const worker = new Worker('/worker-checks.js', { type: 'module' });
                worker.onmessage = (event: MessageEvent<Results>) => resolve(event.data);
                worker.onerror = (event) => reject(new Error(`worker: ${event.message}`));
                worker.postMessage(input);
              }),
            plan,
          );
    expect(pageErrors).toEqual([]);
    return results;
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => page.server.close(() => resolve()));
  }
}

/**
 * The packages a portable bundle may hold besides the consumer's own scripts: the clients,
 * their shared middleware and openapi-fetch. Anything else (a polyfill, a Node built-in's
 * shim) would mean a package reaches for something the runtime lacks.
 */
const portablePackages =
  /^node_modules\/(?:@tokenwire\/(?:auth-middleware|cloudcx|cloudlx|sensu)|openapi-fetch)\//;

/** Runs the worker in Miniflare (see the file); Node 26 runs it as TypeScript. */
const workerdDriver = join(import.meta.dirname, 'workerd-driver.ts');

/**
 * Bundles consumer/workerd-checks.mjs with esbuild from the installed tarballs, as a
 * module worker resolved the way Wrangler does (`workerd`, `worker`, `browser`
 * conditions), checks that the bundle holds only portable code and imports nothing, and
 * runs it in workerd through Miniflare, driven by src/workerd-driver.ts under the Node LTS.
 */
async function runWorkerd(plan: Plan): Promise<Results> {
  const workerd = installedWorkerd();
  if (workerd === undefined) {
    throw new Error(
      'workerd is missing from .runtimes: the global setup installs miniflare there; delete .runtimes and run again.',
    );
  }
  const scriptPath = join(consumerDir, 'bundles/workerd-checks.js');
  const bundled = await build({
    entryPoints: [join(consumerDir, 'workerd-checks.mjs')],
    absWorkingDir: consumerDir,
    outfile: scriptPath,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(bundled.metafile.inputs).filter(
    (input) => !/^[\w-]+\.mjs$/.test(input),
  );
  expect(inputs.filter((input) => !portablePackages.test(input))).toEqual([]);
  const [output] = Object.values(bundled.metafile.outputs);
  expect(output?.imports).toEqual([]);

  // The driver's input in a file: the plan carries the sandboxes' credentials, which have
  // no business in a command line or an error message.
  const inputPath = join(consumerDir, 'bundles/workerd-input.json');
  writeFileSync(
    inputPath,
    JSON.stringify({
      miniflare: miniflareModule(),
      scriptPath,
      compatibilityDate: workerd.compatibilityDate,
      plan,
    }),
  );
  const { stdout } = await exec(runtimeBinary('node'), [workerdDriver, inputPath], {
    cwd: consumerDir,
    timeout: 90_000,
    env: { ...process.env, NO_COLOR: '1' },
  }).catch((error: { code?: number | string; stderr?: string }) => {
    throw new Error(
      `src/workerd-driver.ts under Node ${npmRuntimes.node} failed (${String(error.code)}):\n${error.stderr}`,
    );
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Results;
}

const chromiumRelease = chromiumVersion() ?? '(not installed)';
const workerdRelease = installedWorkerd()?.version ?? '(not installed)';

const runtimes: Runtime[] = [
  {
    name: `Node ${process.versions.node} (the machine's)`,
    run: (plan) => runCli(process.execPath, [], plan),
  },
  {
    name: `Node ${npmRuntimes.node} (npm package node)`,
    run: (plan) => runCli(runtimeBinary('node'), [], plan),
  },
  {
    name: `Bun ${npmRuntimes.bun} (npm package bun)`,
    run: (plan) => runCli(runtimeBinary('bun'), [], plan),
  },
  {
    name: `Deno ${npmRuntimes.deno} (npm package deno)`,
    // Network to loopback only; modules come from the consumer's node_modules.
    run: (plan) =>
      runCli(runtimeBinary('deno'), ['run', '--no-lock', '--allow-net=127.0.0.1'], plan),
  },
  {
    name: `Chromium ${chromiumRelease} (Debian's, through playwright-core), in a page`,
    run: (plan) => runChromium(plan, 'page'),
  },
  {
    name: `Chromium ${chromiumRelease}, in a module Web Worker`,
    run: (plan) => runChromium(plan, 'worker'),
  },
  {
    name: `workerd ${workerdRelease} (npm package miniflare ${miniflareVersion}, under Node ${npmRuntimes.node})`,
    run: (plan) => runWorkerd(plan),
  },
];

const vendors = Object.keys(casesOf) as Vendor[];

/** One sandbox per vendor and case, so each case's counters are its own. */
const sandboxes = new Map<string, RunningSandbox>();
const key = (vendor: Vendor, kind: CaseName) => `${vendor}/${kind}`;

function sandboxOf(vendor: Vendor, kind: CaseName): RunningSandbox {
  const sandbox = sandboxes.get(key(vendor, kind));
  if (!sandbox) throw new Error(`no sandbox for ${key(vendor, kind)}`);
  return sandbox;
}

beforeAll(async () => {
  for (const vendor of vendors) {
    for (const kind of casesOf[vendor]) {
      const sandbox = await startSandbox({
        vendor,
        port: 0,
        cors: true,
        // The expiry case moves the client's clock 20 minutes on: past a 10-minute access
        // token, well within the refresh token's day.
        ...(kind === 'refresh'
          ? { accessTokenTtlSeconds: 600, refreshTokenTtlSeconds: 86_400 }
          : {}),
        log: () => {},
      });
      sandboxes.set(key(vendor, kind), sandbox);
    }
  }
});

afterAll(async () => {
  await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.close()));
});

function plan(): Plan {
  const result: Plan = {};
  for (const vendor of vendors) {
    const urls: Partial<Record<CaseName, string>> = {};
    let credentials: Record<string, string> = {};
    for (const kind of casesOf[vendor]) {
      const sandbox = sandboxOf(vendor, kind);
      urls[kind] = sandbox.url;
      credentials = { ...sandbox.credentials };
    }
    result[vendor] = { urls, credentials };
  }
  return result;
}

/** The counters that tell the cases apart. */
function tokenCounters(counters: SandboxCounters) {
  const { primaryGrants, refreshes, unauthorized, tokenRequests } = counters;
  return { primaryGrants, refreshes, unauthorized, tokenRequests };
}

describe.each(runtimes.map((runtime) => [runtime.name, runtime] as const))(
  'packed clients under %s',
  (_name, runtime) => {
    let results: Results = {};
    let counters = new Map<string, SandboxCounters>();
    beforeAll(async () => {
      for (const sandbox of sandboxes.values()) sandbox.control.reset();
      results = await runtime.run(plan());
      counters = new Map(
        [...sandboxes].map(([name, sandbox]) => [name, sandbox.control.counters()] as const),
      );
    }, 120_000);

    function result(vendor: Vendor, kind: CaseName): CaseResult {
      const outcome = results[vendor]?.[kind];
      expect(outcome, `${vendor} ${kind} reported nothing`).toBeDefined();
      expect(outcome?.failed, `${vendor} ${kind} threw`).toBeUndefined();
      return outcome ?? {};
    }
    const countersOf = (vendor: Vendor, kind: CaseName) =>
      tokenCounters(counters.get(key(vendor, kind)) ?? sandboxOf(vendor, kind).control.counters());

    describe.each(vendors)('%s', (vendor) => {
      const { resource, grant, refresh, rejectedStatus } = wire[vendor];

      it('a cold call gets a token, then the resource', () => {
        expect(result(vendor, 'cold').calls).toEqual([
          { status: 200, data: true, error: false, requests: [`${grant} 200`, `${resource} 200`] },
        ]);
        expect(countersOf(vendor, 'cold')).toEqual({
          primaryGrants: 1,
          refreshes: 0,
          unauthorized: 0,
          tokenRequests: 1,
        });
      });

      it('refreshes once the access token has expired on the client clock', () => {
        expect(result(vendor, 'refresh').calls?.[1]).toEqual({
          status: 200,
          data: true,
          error: false,
          requests: [`${refresh} 200`, `${resource} 200`],
        });
        expect(countersOf(vendor, 'refresh')).toEqual({
          primaryGrants: 1,
          refreshes: 1,
          unauthorized: 0,
          tokenRequests: 2,
        });
      });

      it('answers a 401 for a revoked token with one new token and exactly one replay', () => {
        expect(result(vendor, 'replay').calls?.[1]).toEqual({
          status: 200,
          data: true,
          error: false,
          requests: [`${resource} 401`, `${refresh} 200`, `${resource} 200`],
        });
        expect(countersOf(vendor, 'replay')).toEqual({
          primaryGrants: 1,
          refreshes: 1,
          unauthorized: 1,
          tokenRequests: 2,
        });
      });

      // CloudLX has no API key: the case exists for the other two only.
      if (casesOf[vendor].includes('apiKey')) {
        it('calls with an API key and no token', () => {
          expect(result(vendor, 'apiKey').calls).toEqual([
            { status: 200, data: true, error: false, requests: [`${resource} 200`] },
          ]);
          expect(countersOf(vendor, 'apiKey')).toEqual({
            primaryGrants: 0,
            refreshes: 0,
            unauthorized: 0,
            tokenRequests: 0,
          });
        });
      }

      it('rejects wrong credentials with CredentialsRejectedError', () => {
        const outcome = result(vendor, 'wrongCredentials');
        expect(outcome.thrown).toEqual({
          name: 'CredentialsRejectedError',
          code: 'CREDENTIALS_REJECTED',
          status: rejectedStatus,
          isCredentialsRejectedError: true,
          isError: true,
        });
        expect(outcome.requests).toEqual([`${grant} ${rejectedStatus}`]);
        expect(countersOf(vendor, 'wrongCredentials')).toEqual({
          primaryGrants: 0,
          refreshes: 0,
          unauthorized: rejectedStatus === 401 ? 1 : 0,
          tokenRequests: 1,
        });
      });
    });
  },
);
