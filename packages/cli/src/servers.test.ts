import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binOf, prismInstall, startDocsServer } from './servers';
import { assertBuilt, binPath, runBin } from './test-support/run-bin';

beforeAll(() => assertBuilt());

describe('tokenwire docs', () => {
  let server: Awaited<ReturnType<typeof startDocsServer>>;
  beforeAll(async () => {
    server = await startDocsServer(0);
  });
  afterAll(() => server.close());

  it('serves an index, one Redoc page per vendor and the shipped specs', async () => {
    const index = await (await fetch(`${server.url}/`)).text();
    for (const vendor of ['cloudlx', 'cloudcx', 'sensu']) {
      expect(index).toContain(`href="/${vendor}/"`);
      const page = await (await fetch(`${server.url}/${vendor}/`)).text();
      expect(page).toContain(`<redoc spec-url="/specs/${vendor}.yaml">`);
      const spec = await fetch(`${server.url}/specs/${vendor}.yaml`);
      expect(spec.status).toBe(200);
      expect(await spec.text()).toMatch(/^openapi: 3\.1/m);
    }
    expect((await fetch(`${server.url}/specs/other.yaml`)).status).toBe(404);
  });
});

describe('tokenwire mock and sandbox', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenwire-no-prism-'));
    await writeFile(join(dir, 'package.json'), '{"name":"empty","type":"module"}');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds Prism when installed, and nothing from a project without it', () => {
    expect(binOf('@stoplight/prism-cli', 'prism')).toMatch(/prism-cli[\\/]dist[\\/]index\.js$/);
    const elsewhere = createRequire(join(dir, 'package.json'));
    expect(binOf('@stoplight/prism-cli', 'prism', elsewhere)).toBeUndefined();
    expect(prismInstall).toBe('npm i -D @stoplight/prism-cli@5.14');
  });

  it('tokenwire mock without Prism exits 2 with the install line', async () => {
    // The bin alone (it bundles the clients), in a directory where no Prism can be found.
    await cp(join(binPath, '..'), join(dir, 'dist'), { recursive: true });
    await cp(join(binPath, '../../specs'), join(dir, 'specs'), { recursive: true });
    const run = await runBin(['mock'], {}, '', join(dir, 'dist', 'cli.js'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(prismInstall);
    expect(run.stderr).not.toContain('    at ');
  });

  it('tokenwire mock exits 2 on a bad option; tokenwire sandbox passes its flags through', async () => {
    const bad = await runBin(['mock', '--vendor', 'nope'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--vendor takes one of cloudlx, cloudcx, sensu');
    const help = await runBin(['sandbox', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tokenwire-sandbox');
    const wrong = await runBin(['sandbox', '--no-such-flag'], {});
    expect(wrong.code).toBe(2);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('tokenwire mock with Prism installed', () => {
  it('serves the shipped Sensu spec on 127.0.0.1 and stops on SIGTERM with exit 0', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [binPath, 'mock', '--vendor', 'sensu', '--port-offset', String(port - 4012)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      let health: Response | undefined;
      while (!health) {
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(async () => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          return undefined;
        });
      }
      expect(health.status).toBe(200);
      expect(stdout).toContain(`http://127.0.0.1:${port}`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
