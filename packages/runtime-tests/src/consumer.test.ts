import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { lowestOpenapiFetch, publishedPackages } from './consumer-project';

const run = promisify(execFile);
const project = inject('consumerDir');

interface Manifest {
  name: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
}

/** The package.json of an installed `@tokenwire/<name>`. */
function manifestOf(name: string): Manifest {
  const path = join(project, 'node_modules/@tokenwire', name, 'package.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/**
 * The packed packages (pnpm pack applies publishConfig), installed with plain npm into a
 * fresh project outside the repository by the global setup, then type-checked and run
 * there, exactly as a user would.
 */
describe('packed packages in a fresh npm project', () => {
  it('installs every public package', () => {
    const names = publishedPackages();
    expect(names).toEqual(expect.arrayContaining(['auth-middleware', 'cloudlx', 'sandbox']));
    for (const name of names) {
      expect(manifestOf(name).name).toBe(`@tokenwire/${name}`);
    }
    const devDependencies = Object.keys(
      (
        JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as {
          devDependencies: Record<string, string>;
        }
      ).devDependencies,
    );
    // A public package missing there would be packed before turbo built it.
    expect(devDependencies).toEqual(
      expect.arrayContaining(names.map((name) => `@tokenwire/${name}`)),
    );
  });

  it('links every bin of the packages, and each one answers --help', async () => {
    const bins = publishedPackages().flatMap((name) => Object.keys(manifestOf(name).bin ?? {}));
    expect(bins).toEqual(expect.arrayContaining(['tokenwire-sandbox']));
    for (const bin of bins) {
      const { stdout } = await run(join(project, 'node_modules/.bin', bin), ['--help'], {
        cwd: project,
        timeout: 30_000,
      });
      expect(stdout, bin).toMatch(new RegExp(`^Usage: ${bin} `));
    }
  });

  it('holds one copy of openapi-fetch, the lowest version the clients admit', async () => {
    const lowest = lowestOpenapiFetch();
    for (const name of ['cloudlx', 'cloudcx', 'sensu']) {
      expect(manifestOf(name).dependencies?.['openapi-fetch'], name).toBe(`^${lowest}`);
    }
    const { stdout } = await run('npm', ['ls', 'openapi-fetch', '--all', '--parseable'], {
      cwd: project,
    });
    const copies = stdout.trim().split('\n');
    expect(copies).toEqual([join(project, 'node_modules/openapi-fetch')]);
    const installed = JSON.parse(
      readFileSync(join(project, 'node_modules/openapi-fetch/package.json'), 'utf8'),
    ) as { version: string };
    expect(installed.version).toBe(lowest);
  });

  it.each([
    { resolution: 'node16', module: 'node16' },
    { resolution: 'bundler', module: 'esnext' },
  ])(
    'type-checks a strict TypeScript consumer with moduleResolution $resolution',
    async ({ resolution, module }) => {
      const tsc = join(project, 'node_modules/.bin/tsc');
      const args = ['--noEmit', '--strict', '--moduleResolution', resolution, '--module', module];
      args.push('--target', 'es2022', '--types', 'node', '--skipLibCheck', 'false', 'consumer.mts');
      const result = await run(tsc, args, { cwd: project }).catch((error: { stdout: string }) => {
        throw new Error(`tsc (${resolution}) failed:\n${error.stdout}`);
      });
      expect(result.stdout).toBe('');
    },
  );

  it('runs an ESM consumer that calls every vendor through its sandbox', async () => {
    const { stdout } = await run(process.execPath, ['consumer.mjs'], {
      cwd: project,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/esm cloudlx 200 \d+ services/);
    expect(stdout).toMatch(/esm cloudcx 200 \d+ users/);
    expect(stdout).toMatch(/esm sensu 200 \d+ namespaces/);
    expect(stdout).toContain('esm vendor-kit error is InvalidOptionsError: true');
    expect(stdout).toContain('esm redis-store fails open without Redis: true');
  });

  it('runs a CommonJS consumer that require()s the packages', async () => {
    const { stdout } = await run(process.execPath, ['consumer.cjs'], {
      cwd: project,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/cjs cloudlx 200 \d+ services/);
    expect(stdout).toMatch(/cjs cloudcx 200 \d+ users/);
    expect(stdout).toMatch(/cjs sensu 200 \d+ namespaces/);
    expect(stdout).toContain('cjs redis-store loads: true');
  });
});
