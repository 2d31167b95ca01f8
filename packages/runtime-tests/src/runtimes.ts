import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

/**
 * Installs the pinned runtimes with npm into {@link runtimesDir}, unless every one of them
 * is there already at its version. The packages deliver their binaries through install
 * scripts and optional platform packages, which npm runs and installs as usual.
 */
export async function ensureRuntimes(): Promise<void> {
  const versions = await Promise.all(
    (Object.keys(npmRuntimes) as NpmRuntime[]).map(
      async (runtime) => (await installedVersion(runtime)) === npmRuntimes[runtime],
    ),
  );
  if (versions.every(Boolean)) return;
  mkdirSync(runtimesDir, { recursive: true });
  writeFileSync(
    join(runtimesDir, 'package.json'),
    `${JSON.stringify({ name: 'tokenwire-test-runtimes', private: true }, null, 2)}\n`,
  );
  const specs = Object.entries(npmRuntimes).map(([name, version]) => `${name}@${version}`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: runtimesDir,
    timeout: 300_000,
  });
  for (const runtime of Object.keys(npmRuntimes) as NpmRuntime[]) {
    const version = await installedVersion(runtime);
    if (version !== npmRuntimes[runtime]) {
      throw new Error(
        `npm installed ${runtime} ${String(version)} in ${runtimesDir}, not ${npmRuntimes[runtime]}; delete that folder and run again.`,
      );
    }
  }
}
