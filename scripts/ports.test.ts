import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { freeOffset, mainCommandPorts, portOffsetFrom, portsAt } from './ports.mjs';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');

/** Runs a command that is expected to fail; resolves with its exit code and output. */
async function failing(file: string, args: string[], env: Record<string, string> = {}) {
  try {
    await run(file, args, { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 60_000 });
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
  throw new Error(`${file} ${args.join(' ')} succeeded; a busy port should have stopped it`);
}

const occupied: Server[] = [];
function occupy(port: number): Promise<void> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
    occupied.push(server);
  });
}
afterEach(async () => {
  await Promise.all(occupied.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** An offset at which every port of the main command is free, so the test owns them. */
async function testOffset(): Promise<number> {
  const offset = await freeOffset();
  if (offset === undefined) throw new Error('no free offset from 100 to 1000 on this machine');
  return offset;
}

describe('the port offset', () => {
  it('moves every port of the main command', () => {
    expect(portsAt(100)).toEqual({
      sandbox: { cloudlx: 4120, cloudcx: 4121, sensu: 4122 },
      mock: { cloudlx: 4110, cloudcx: 4111, sensu: 4112 },
      docs: 4130,
    });
    expect(mainCommandPorts({ offset: 100, once: true })).toEqual([
      { service: 'CloudLX sandbox', port: 4120 },
      { service: 'CloudCX sandbox', port: 4121 },
      { service: 'Sensu Go sandbox', port: 4122 },
    ]);
  });

  it('comes from --port-offset, which wins over TOKENWIRE_PORT_OFFSET', () => {
    expect(portOffsetFrom([], {})).toBe(0);
    expect(portOffsetFrom([], { TOKENWIRE_PORT_OFFSET: '200' })).toBe(200);
    expect(
      portOffsetFrom(['--once', '--port-offset', '100'], { TOKENWIRE_PORT_OFFSET: '200' }),
    ).toBe(100);
    expect(portOffsetFrom(['--port-offset=300'], {})).toBe(300);
  });

  it.each([
    [['--port-offset', 'abc'], {}, '--port-offset must be a whole number'],
    [['--port-offset'], {}, '--port-offset needs a number'],
    [[], { TOKENWIRE_PORT_OFFSET: '1.5' }, 'TOKENWIRE_PORT_OFFSET must be a whole number'],
    [[], { TOKENWIRE_PORT_OFFSET: '70000' }, 'between 1 and 65535'],
  ])('rejects %j %j with a message saying what to pass', (argv, env, message) => {
    expect(() => portOffsetFrom(argv, env)).toThrow(message);
  });
});

describe('the port check of the main command', () => {
  it('names the busy port, its service and how to move the ports, and exits 1', async () => {
    const offset = await testOffset();
    const port = portsAt(offset).sandbox.cloudlx;
    await occupy(port);

    const { code, stderr } = await failing('node', [
      'scripts/ports.mjs',
      '--port-offset',
      String(offset),
    ]);

    expect(code).toBe(1);
    expect(stderr).toContain(`Port 127.0.0.1:${port} (CloudLX sandbox) is already in use.`);
    expect(stderr).toMatch(/TOKENWIRE_PORT_OFFSET=\d+ bash scripts\/main\.sh\n/);
    expect(stderr).toMatch(/bash scripts\/main\.sh --port-offset \d+\n/);
    expect(stderr).not.toContain('CloudCX sandbox');
  });

  it('reads TOKENWIRE_PORT_OFFSET too, and suggests an offset that is free now', async () => {
    const offset = await testOffset();
    const port = portsAt(offset).docs;
    await occupy(port);

    const { code, stderr } = await failing('node', ['scripts/ports.mjs'], {
      TOKENWIRE_PORT_OFFSET: String(offset),
    });

    expect(code).toBe(1);
    expect(stderr).toContain(`Port 127.0.0.1:${port} (API docs) is already in use.`);
    const suggested = Number(/TOKENWIRE_PORT_OFFSET=(\d+)/.exec(stderr)?.[1]);
    expect(suggested).not.toBe(offset);
    expect(stderr).toContain(`(every port is free at offset ${suggested} right now)`);
  });

  it('with --once checks only the sandboxes, which are all that --once starts', async () => {
    const offset = await testOffset();
    await occupy(portsAt(offset).mock.cloudlx);
    await occupy(portsAt(offset).docs);

    await expect(
      run('node', ['scripts/ports.mjs', '--once', '--port-offset', String(offset)], {
        cwd: repoRoot,
      }),
    ).resolves.toMatchObject({ stderr: '' });
  });

  it('stops bash scripts/main.sh before the install and build', async () => {
    const offset = await testOffset();
    const port = portsAt(offset).mock.sensu;
    await occupy(port);

    const { code, stdout, stderr } = await failing('bash', [
      'scripts/main.sh',
      '--port-offset',
      String(offset),
    ]);

    expect(code).toBe(1);
    expect(stderr).toContain(`Port 127.0.0.1:${port} (Sensu Go Prism mock) is already in use.`);
    expect(stdout).toBe('');
  });
});
