import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The compiler settings of both runs: the type-check and the emit. */
const compilerFlags = [
  '--target',
  'es2022',
  '--module',
  'preserve',
  '--moduleResolution',
  'bundler',
  '--lib',
  'es2023,dom',
  '--types',
  'node',
];

// The example, as a user outside this monorepo would build it: the packed
// @tokenwire/auth-middleware in a fresh npm project, under each TypeScript major.
const repoRoot = join(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'tokenwire-own-vendor-'));
let tarball = '';
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe', timeout: 240_000 });

beforeAll(() => {
  run('pnpm', ['--filter', '@tokenwire/auth-middleware', 'build'], repoRoot);
  run('pnpm', ['pack', '--pack-destination', work], join(repoRoot, 'packages/auth-middleware'));
  const file = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (!file) throw new Error(`pnpm pack wrote no tarball into ${work}.`);
  tarball = join(work, file);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(['5.9.3', '7.0.2'])('the example on the packed package, TypeScript %s', (version) => {
  it('type-checks with tsc --strict', () => {
    const project = join(work, `ts-${version}`);
    run('mkdir', ['-p', join(project, 'src')], work);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'own-vendor-consumer', private: true, type: 'module' }),
    );
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        tarball,
        'openapi-fetch@0.17.0',
        `typescript@${version}`,
        '@types/node@20',
      ],
      project,
    );
    for (const file of ['forge-client.ts', 'acme-client.ts', 'paths.ts', 'fake-server.ts']) {
      copyFileSync(join(import.meta.dirname, file), join(project, 'src', file));
    }
    const tsc = join(project, 'node_modules/.bin/tsc');
    expect(run(tsc, ['--version'], project)).toContain(version);
    // Throws (with tsc's output) on any type error.
    run(
      tsc,
      [
        '--strict',
        '--noEmit',
        ...compilerFlags,
        '--exactOptionalPropertyTypes',
        '--noUncheckedIndexedAccess',
        'src/forge-client.ts',
        'src/acme-client.ts',
        'src/fake-server.ts',
      ],
      project,
    );
  }, 300_000);

  it('runs against the fake server: one token request for 20 cold calls', () => {
    const project = join(work, `ts-${version}`);
    const tsc = join(project, 'node_modules/.bin/tsc');
    // The clients' only relative imports are types, erased here: the emitted files run as they are.
    run(
      tsc,
      [...compilerFlags, '--outDir', 'out', 'src/forge-client.ts', 'src/fake-server.ts'],
      project,
    );
    writeFileSync(
      join(project, 'out/run.mjs'),
      `import { generateKeyPairSync } from 'node:crypto';
import { startFakeServer } from './fake-server.js';
import { createForgeClient } from './forge-client.js';
const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const server = await startFakeServer({ publicKey, appId: '42', installationId: '7' });
const forge = createForgeClient({ baseUrl: server.baseUrl, appId: '42', installationId: '7', privateKey });
const results = await Promise.all(Array.from({ length: 20 }, () => forge.GET('/installation/repositories')));
console.log(JSON.stringify({ statuses: [...new Set(results.map((r) => r.response.status))], tokenRequests: server.tokenRequests }));
await server.close();
`,
    );
    const output = JSON.parse(run('node', ['out/run.mjs'], project));
    expect(output).toEqual({ statuses: [200], tokenRequests: 1 });
  }, 120_000);
});
