import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningSandbox, startSandbox } from '@tokenwire/sandbox';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const project = inject('consumerDir');

/**
 * The `tokenwire` bin as a user of the published package gets it: `npx tokenwire` in the
 * fresh npm project the global setup installed the packed tarballs into.
 */
describe('the packed tokenwire CLI in a fresh npm project', () => {
  let sandbox: RunningSandbox<'cloudlx'>;
  let home: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ vendor: 'cloudlx', port: 0, log: () => {} });
    home = mkdtempSync(join(tmpdir(), 'tokenwire-cli-consumer-'));
  });
  afterAll(async () => {
    await sandbox?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const npx = (args: string[]) =>
    run('npx', ['--no-install', 'tokenwire', ...args], {
      cwd: project,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        // A fresh HOME would make npm print its update notice on stderr.
        npm_config_update_notifier: 'false',
        TOKENWIRE_CACHE_DIR: join(home, 'cache'),
        TOKENWIRE_CONFIG_DIR: join(home, 'config'),
        CLOUDLX_BASE_URL: sandbox.url,
        CLOUDLX_CLIENT_ID: sandbox.credentials.clientId,
        CLOUDLX_CLIENT_SECRET: sandbox.credentials.clientSecret,
      },
    });

  it('npx tokenwire token cloudlx prints a token, and a second run takes it from the cache', async () => {
    const first = await npx(['token', 'cloudlx']);
    const token = first.stdout.trim();
    expect(token).toMatch(/^\S{16,}$/);
    expect(first.stderr).toBe('');
    const second = await npx(['token', 'cloudlx']);
    expect(second.stdout.trim()).toBe(token);
    const counters = sandbox.control.counters();
    expect({
      primaryGrants: counters.primaryGrants,
      tokenRequests: counters.tokenRequests,
    }).toEqual({ primaryGrants: 1, tokenRequests: 1 });
    expect(statSync(join(home, 'cache')).mode & 0o777).toBe(0o700);
  });

  it('tokenwire mock without Prism installed exits 2 and says how to install it', async () => {
    const failure = await npx(['mock']).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('npm i -D @stoplight/prism-cli@5.14');
  });

  it('imports FileTokenStore from @tokenwire/cli in an ESM program and shares tokens through it', async () => {
    const script = join(project, 'file-token-store-check.mjs');
    writeFileSync(
      script,
      `import { FileTokenStore } from '@tokenwire/cli';
import { createCloudLxClient } from '@tokenwire/cloudlx';
const dir = process.argv[2];
const call = async () => {
  const client = createCloudLxClient({ baseUrl: process.env.CLOUDLX_BASE_URL, clientId: process.env.CLOUDLX_CLIENT_ID, clientSecret: process.env.CLOUDLX_CLIENT_SECRET, store: new FileTokenStore({ dir }) });
  const { response } = await client.GET('/api/services');
  return response.status;
};
console.log(await call(), await call());
`,
    );
    const before = sandbox.control.counters().tokenRequests;
    const { stdout } = await run(process.execPath, [script, join(home, 'library-cache')], {
      cwd: project,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '',
        CLOUDLX_BASE_URL: sandbox.url,
        CLOUDLX_CLIENT_ID: sandbox.credentials.clientId,
        CLOUDLX_CLIENT_SECRET: sandbox.credentials.clientSecret,
      },
    });
    expect(stdout.trim()).toBe('200 200');
    // Two clients, one store on disk: one token request between them.
    expect(sandbox.control.counters().tokenRequests - before).toBe(1);
  });
});
