// The `tokenwire-sandbox` command as a user runs it: a built CLI in its own process, started
// through the committed bin file, stopped by a signal.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = resolve(import.meta.dirname, '..');
// Inside the package, so that the build's imports (hono, ...) resolve from its node_modules;
// never dist/, which other packages' tests may be reading.
const cacheDir = join(packageDir, 'node_modules', '.cache');
let root = '';

beforeAll(async () => {
  await mkdir(cacheDir, { recursive: true });
  root = await mkdtemp(join(cacheDir, 'cli-process-'));
  // The package's own tsdown.config.ts, into a directory of this test's (run as a command:
  // tsdown's type declarations need optional packages this repository does not install).
  const tsdown = join(
    dirname(createRequire(import.meta.url).resolve('tsdown/package.json')),
    'dist/run.mjs',
  );
  await promisify(execFile)(
    process.execPath,
    [
      tsdown,
      '--out-dir',
      relative(packageDir, join(root, 'dist')),
      '--no-dts',
      '--no-sourcemap',
      '--no-report',
      '--logLevel',
      'silent',
    ],
    { cwd: packageDir },
  );
  await mkdir(join(root, 'bin'));
  await copyFile(
    join(packageDir, 'bin/tokenwire-sandbox.js'),
    join(root, 'bin/tokenwire-sandbox.js'),
  );
});

afterAll(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

interface Cli {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runBin(binPath: string, args: string[]): Cli {
  const child = spawn(process.execPath, [binPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, output: () => output, exit };
}

/** Resolves once the banner is out, with the URLs it printed. */
async function bannerUrls(cli: Cli): Promise<string[]> {
  while (!cli.output().includes('Press Ctrl-C to stop.')) {
    const ended = await Promise.race([
      cli.exit.then(() => true),
      new Promise<false>((done) => cli.child.stdout?.once('data', () => done(false))),
    ]);
    if (ended) throw new Error(`The CLI exited before its banner:\n${cli.output()}`);
  }
  return [...cli.output().matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => match[0]);
}

/** True when a server can listen on the port again. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

describe('the tokenwire-sandbox command', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops cleanly on %s: exit code 0, every port freed',
    async (signal) => {
      const cli = runBin(join(root, 'bin/tokenwire-sandbox.js'), [
        '--cloudlx-port',
        '0',
        '--cloudcx-port',
        '0',
        '--sensu-port',
        '0',
      ]);
      try {
        const urls = await bannerUrls(cli);
        expect(urls).toHaveLength(3);
        const landing = await fetch(`${urls[2]}/`, { headers: { accept: 'application/json' } });
        expect(await landing.json()).toMatchObject({ vendor: 'sensu' });
        cli.child.kill(signal);
        expect(await cli.exit).toEqual({ code: 0, signal: null });
        expect(cli.output()).toContain(`${signal}: stopping the sandboxes.`);
        for (const url of urls) expect(await portIsFree(Number(new URL(url).port))).toBe(true);
      } finally {
        cli.child.kill('SIGKILL');
      }
    },
  );

  it('exits 2 with the usage for a bad command line', async () => {
    const cli = runBin(join(root, 'bin/tokenwire-sandbox.js'), ['--cors=localhost']);
    expect(await cli.exit).toEqual({ code: 2, signal: null });
    expect(cli.output()).toContain('--cors: "localhost" is not an origin');
    expect(cli.output()).toContain('Usage: tokenwire-sandbox');
  });

  it('says what to do when the CLI is not built', async () => {
    const unbuilt = await mkdtemp(join(cacheDir, 'cli-unbuilt-'));
    try {
      await mkdir(join(unbuilt, 'bin'));
      const bin = join(unbuilt, 'bin/tokenwire-sandbox.js');
      await copyFile(join(packageDir, 'bin/tokenwire-sandbox.js'), bin);
      const cli = runBin(bin, ['--help']);
      expect(await cli.exit).toEqual({ code: 1, signal: null });
      expect(cli.output()).toContain('tokenwire-sandbox is not built yet');
      expect(cli.output()).not.toMatch(/\n\s+at /);
    } finally {
      await rm(unbuilt, { recursive: true, force: true });
    }
  });
});
