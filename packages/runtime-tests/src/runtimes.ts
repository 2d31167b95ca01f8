import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The runtimes installed from npm, pinned: the current Node LTS (the `node` package ships
 * its binary in a registry package), Bun and Deno. Node 20, the floor, is the machine's.
 */
export const npmRuntimes = {
  node: '26.10.0',
  bun: '1.4.5',
  deno: '2.9.6',
} as const;

/**
 * Miniflare, pinned: Cloudflare's local runner of workerd, the Workers runtime, which it
 * ships as its `workerd` dependency (binary included). It runs under the Node LTS of
 * {@link npmRuntimes}: it needs Node >= 22, and the floor is Node 20.
 */
export const miniflareVersion = '4.20260730.0';

/** A runtime installed from npm. */
export type NpmRuntime = keyof typeof npmRuntimes;

/**
 * Where they are installed: a gitignored folder of this package, kept between runs. A
 * folder of its own, not a devDependency: a `node` package among this package's
 * dependencies would put its `node` first on PATH and shadow Node 20 in every script.
 */
export const runtimesDir = resolve(import.meta.dirname, '../.runtimes');

/** The path of a runtime's binary in {@link runtimesDir}. */
export function runtimeBinary(runtime: NpmRuntime): string {
  return join(runtimesDir, 'node_modules/.bin', runtime);
}

/** The version a binary prints for `--version`, or undefined when it cannot run. */
async function installedVersion(runtime: NpmRuntime): Promise<string | undefined> {
  const binary = runtimeBinary(runtime);
  if (!existsSync(binary)) return undefined;
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 30_000 });
    // `v26.10.0`, `1.4.5`, `deno 2.9.6 (stable, ...)`.
    return /(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

/** The version of a package installed in {@link runtimesDir}, or undefined when it is not there. */
function installedPackageVersion(name: string): string | undefined {
  const manifest = join(runtimesDir, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
}

/** The workerd that the installed Miniflare ships. */
export interface InstalledWorkerd {
  /** The npm package's version, e.g. `1.20260730.1`. */
  version: string;
  /** The newest compatibility date the binary supports (`workerd --version`), e.g. `2026-07-30`. */
  compatibilityDate: string;
}

/** The workerd of {@link runtimesDir}, or undefined when it is missing or its binary cannot run. */
export function installedWorkerd(): InstalledWorkerd | undefined {
  const version = installedPackageVersion('workerd');
  const binary = join(runtimesDir, 'node_modules/.bin/workerd');
  if (version === undefined || !existsSync(binary)) return undefined;
  try {
    // `workerd 2026-07-30`
    const output = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    const compatibilityDate = /(\d{4}-\d{2}-\d{2})/.exec(output)?.[1];
    return compatibilityDate === undefined ? undefined : { version, compatibilityDate };
  } catch {
    return undefined;
  }
}

/** The file Node imports for `miniflare` in {@link runtimesDir} (its `main`). */
export function miniflareModule(): string {
  return createRequire(join(runtimesDir, 'package.json')).resolve('miniflare');
}

/** Whether the pinned Miniflare is installed, with a workerd that runs. */
function miniflareReady(): boolean {
  return (
    installedPackageVersion('miniflare') === miniflareVersion && installedWorkerd() !== undefined
  );
}

/**
 * Installs the pinned runtimes and Miniflare with npm into {@link runtimesDir}, unless every
 * one of them is there already at its version. The packages deliver their binaries through
 * install scripts and optional platform packages, which npm runs and installs as usual.
 */
export async function ensureRuntimes(): Promise<void> {
  const versions = await Promise.all(
    (Object.keys(npmRuntimes) as NpmRuntime[]).map(
      async (runtime) => (await installedVersion(runtime)) === npmRuntimes[runtime],
    ),
  );
  if (versions.every(Boolean) && miniflareReady()) return;
  mkdirSync(runtimesDir, { recursive: true });
  writeFileSync(
    join(runtimesDir, 'package.json'),
    `${JSON.stringify({ name: 'tokenwire-test-runtimes', private: true }, null, 2)}\n`,
  );
  const specs = [
    ...Object.entries(npmRuntimes).map(([name, version]) => `${name}@${version}`),
    `miniflare@${miniflareVersion}`,
  ];
  // npm runs on the machine's Node 20, below Miniflare's `engines` (Node >= 22): it never
  // runs there, so an `engine-strict` npm configuration must not refuse it.
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--engine-strict=false', ...specs],
    { cwd: runtimesDir, timeout: 300_000 },
  );
  for (const runtime of Object.keys(npmRuntimes) as NpmRuntime[]) {
    const version = await installedVersion(runtime);
    if (version !== npmRuntimes[runtime]) {
      throw new Error(
        `npm installed ${runtime} ${String(version)} in ${runtimesDir}, not ${npmRuntimes[runtime]}; delete that folder and run again.`,
      );
    }
  }
  if (!miniflareReady()) {
    throw new Error(
      `npm installed miniflare ${String(installedPackageVersion('miniflare'))} in ${runtimesDir}, not ${miniflareVersion}, or its workerd does not run; delete that folder and run again.`,
    );
  }
}
