import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, '../../..');

/**
 * The public packages (every `packages/*` whose package.json is not private), as their
 * folder names. Each one is a devDependency of this package too, so turbo builds it first.
 */
export function publishedPackages(): string[] {
  const packages = join(repoRoot, 'packages');
  return readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => {
      const manifest = join(packages, name, 'package.json');
      if (!existsSync(manifest)) return false;
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { private?: boolean }).private !== true;
    })
    .sort();
}

/** The TypeScript the consumer type-checks with. */
export const consumerTypescript = '5.9.3';

/**
 * The lowest version the catalog's `openapi-fetch` range admits (`^0.17.0` → `0.17.0`): the
 * consumer pins it, so the oldest version a user may end up with is the one tested.
 */
export function lowestOpenapiFetch(): string {
  const workspace = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
  const range = /^\s+"?openapi-fetch"?:\s*"?([^"\s]+)"?\s*$/m.exec(workspace)?.[1];
  const lowest = range === undefined ? undefined : /^[~^]?(\d+\.\d+\.\d+)$/.exec(range)?.[1];
  if (range === undefined || lowest === undefined) {
    throw new Error(
      `pnpm-workspace.yaml's catalog must give openapi-fetch as "^x.y.z", "~x.y.z" or "x.y.z" (got ${String(range)}); update lowestOpenapiFetch() for another range form.`,
    );
  }
  return lowest;
}

/**
 * Packs every public package (pnpm pack applies publishConfig) and installs the tarballs
 * with plain npm into a fresh project outside the repository, with the consumer scripts
 * of `consumer/` beside them. Returns the project's folder.
 */
export async function createConsumerProject(): Promise<string> {
  const project = mkdtempSync(join(tmpdir(), 'tokenwire-consumer-'));
  try {
    const tarballs = join(project, 'tarballs');
    await Promise.all(
      publishedPackages().map((name) =>
        run('pnpm', ['pack', '--pack-destination', tarballs], {
          cwd: join(repoRoot, 'packages', name),
        }),
      ),
    );
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true }),
    );
    const scripts = resolve(import.meta.dirname, '../consumer');
    for (const file of readdirSync(scripts)) {
      copyFileSync(join(scripts, file), join(project, file));
    }
    const files = readdirSync(tarballs).map((file) => `./tarballs/${file}`);
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...files,
        `openapi-fetch@${lowestOpenapiFetch()}`,
        `typescript@${consumerTypescript}`,
        '@types/node@20',
      ],
      { cwd: project, timeout: 240_000 },
    );
    return project;
  } catch (error) {
    rmSync(project, { recursive: true, force: true });
    throw error;
  }
}
