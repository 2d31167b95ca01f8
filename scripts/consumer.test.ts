import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');
const published = ['auth-middleware', 'cloudlx', 'cloudcx', 'sensu', 'sandbox', 'redis-store'];
const typescript = '5.9.3';

/**
 * Packs every public package (pnpm pack applies publishConfig), installs the tarballs with
 * plain npm into a fresh project outside the repository, then type-checks and runs
 * consumers there, exactly as a user would.
 */
describe('packed packages in a fresh npm project', () => {
  let project: string;
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'tokenwire-consumer-'));
    const tarballs = join(project, 'tarballs');
    for (const name of published) {
      await run('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: join(repoRoot, 'packages', name),
      });
    }
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true }),
    );
    for (const file of readdirSync(join(repoRoot, 'scripts/consumer'))) {
      copyFileSync(join(repoRoot, 'scripts/consumer', file), join(project, file));
    }
    const files = readdirSync(tarballs).map((f) => `./tarballs/${f}`);
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...files,
        `typescript@${typescript}`,
        '@types/node@20',
      ],
      { cwd: project, timeout: 240_000 },
    );
  }, 300_000);
  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
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
