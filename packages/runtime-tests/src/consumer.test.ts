import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { lowestOpenapiFetch, publishedPackages } from './consumer-project';

const run = promisify(execFile);
const project = inject('consumerDir');

/**
 * The packed packages (pnpm pack applies publishConfig), installed with plain npm into a
 * fresh project outside the repository by the global setup, then type-checked and run
 * there, exactly as a user would.
 */
describe('packed packages in a fresh npm project', () => {
  it('installs every public package', () => {
    for (const name of publishedPackages) {
      const manifest = JSON.parse(
        readFileSync(join(project, 'node_modules/@tokenwire', name, 'package.json'), 'utf8'),
      ) as { name: string };
      expect(manifest.name).toBe(`@tokenwire/${name}`);
    }
  });

  it('holds one copy of openapi-fetch, the lowest version the clients admit', async () => {
    const lowest = lowestOpenapiFetch();
    for (const name of ['cloudlx', 'cloudcx', 'sensu']) {
      const manifest = JSON.parse(
        readFileSync(join(project, 'node_modules/@tokenwire', name, 'package.json'), 'utf8'),
      ) as { dependencies: Record<string, string> };
      expect(manifest.dependencies['openapi-fetch'], name).toBe(`^${lowest}`);
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
