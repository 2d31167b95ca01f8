import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { banner, defaultPorts, parseCli } from './cli-options';
import { runCli } from './cli-run';
import { defaultCredentials } from './options';
import { cloudlxGrant, sensuLogin } from './test-support/requests';

describe('command line', () => {
  it('starts all three vendors on 127.0.0.1:4020-4022 by default', () => {
    const plan = parseCli([]);
    if (plan === 'help') throw new Error('unexpected help');
    expect(plan.sandboxes.map((s) => [s.vendor, s.host, s.port])).toEqual([
      ['cloudlx', '127.0.0.1', 4020],
      ['cloudcx', '127.0.0.1', 4021],
      ['sensu', '127.0.0.1', 4022],
    ]);
  });

  it('uses the sandbox ports of scripts/vendors.mjs (the one list the repo scripts share)', async () => {
    const url = pathToFileURL(resolve(import.meta.dirname, '../../../scripts/vendors.mjs')).href;
    const module: unknown = await import(url);
    const vendors =
      typeof module === 'object' &&
      module !== null &&
      'vendors' in module &&
      Array.isArray(module.vendors)
        ? (module.vendors as Array<{ api: string; sandboxPort: number }>)
        : [];
    expect(Object.fromEntries(vendors.map((v) => [v.api, v.sandboxPort]))).toEqual(defaultPorts);
  });

  it('takes lifetimes, vendors, ports and credential overrides', () => {
    const plan = parseCli([
      '--',
      '--vendor',
      'sensu',
      '--access-ttl',
      '2',
      '--refresh-ttl',
      '10',
      '--sensu-port',
      '0',
      '--sensu-password',
      'hunter2',
    ]);
    if (plan === 'help') throw new Error('unexpected help');
    expect(plan.sandboxes).toEqual([
      {
        vendor: 'sensu',
        port: 0,
        host: '127.0.0.1',
        accessTokenTtlSeconds: 2,
        refreshTokenTtlSeconds: 10,
        credentials: { password: 'hunter2' },
      },
    ]);
    expect([...plan.overridden]).toEqual(['sensu-password']);
  });

  it.each([
    [['--clock-offset', '-5m'], -300_000],
    [['--clock-offset=-5m'], -300_000],
    [['--clock-offset', '+300s'], 300_000],
    [['--clock-offset', '90000'], 90_000],
    [['--clock-offset', '-1500ms'], -1500],
    [['--clock-offset', '2h'], 7_200_000],
  ])('takes a server clock offset for every vendor: %j', (args, offsetMs) => {
    const plan = parseCli(args);
    if (plan === 'help') throw new Error('unexpected help');
    expect(plan.sandboxes.map((s) => s.clockOffsetMs)).toEqual([offsetMs, offsetMs, offsetMs]);
  });

  it.each([
    [['--clock-offset', 'soon'], '--clock-offset takes milliseconds or a whole number with a unit'],
    [
      ['--clock-offset', '-5 min'],
      '--clock-offset takes milliseconds or a whole number with a unit',
    ],
    [['--clock-offset', '1.5h'], '--clock-offset takes milliseconds or a whole number with a unit'],
    [['--clock-offset', '-400d'], '--clock-offset must be an integer number of milliseconds from'],
    [['--access-ttl', 'soon'], '--access-ttl takes a number'],
    [['--access-ttl', '0'], 'must be a positive number'],
    [['--vendor', 'aws'], '--vendor takes one of cloudlx, cloudcx, sensu'],
    [['--cloudlx-port', '70000'], '--cloudlx-port takes a port'],
    [['--nope'], "Unknown option '--nope'"],
  ])('explains a bad command line %j', (args, message) => {
    expect(() => parseCli(args)).toThrow(message);
  });

  it('prints default credentials but never a secret given on the command line', () => {
    const text = banner(
      [
        {
          vendor: 'cloudcx',
          url: 'http://127.0.0.1:4021',
          credentials: { ...defaultCredentials.cloudcx, password: 'hunter2' },
          lifetimes: { accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 3600 },
        },
      ],
      new Set(['cloudcx-password']),
    );
    expect(text).toContain('http://127.0.0.1:4021');
    expect(text).toContain(defaultCredentials.cloudcx.clientSecret);
    expect(text).toContain('(set by --cloudcx-password)');
    expect(text).not.toContain('hunter2');
  });

  it('runs, prints URLs and credentials, serves, and stops cleanly on a signal', async () => {
    const out: string[] = [];
    const stop = new EventEmitter();
    const run = await runCli(
      ['--cloudlx-port', '0', '--cloudcx-port', '0', '--sensu-port', '0', '--access-ttl', '2'],
      {
        out: (text) => out.push(text),
        err: (text) => out.push(text),
        onStop: (handler) => stop.on('stop', handler),
      },
    );
    expect(run.sandboxes).toHaveLength(3);
    const [cloudlx, , sensu] = run.sandboxes;
    if (!cloudlx || !sensu) throw new Error('sandboxes missing');
    const text = out.join('\n');
    expect(text).toContain(cloudlx.url);
    expect(text).toContain(defaultCredentials.cloudlx.clientSecret);
    expect(text).toContain(defaultCredentials.sensu.apiKey);
    const lx = defaultCredentials.cloudlx;
    await expect(
      cloudlxGrant(fetch, cloudlx.url, lx.clientId, lx.clientSecret),
    ).resolves.toMatchObject({
      expires_in: 2,
    });
    await expect(
      sensuLogin(fetch, sensu.url, 'sandbox-admin', 'sandbox-password'),
    ).resolves.toBeDefined();

    stop.emit('stop', 'SIGINT');
    expect(await run.exitCode).toBe(0);
    await expect(fetch(`${sensu.url}/version`)).rejects.toThrow();
  });

  it('runs with a slow clock: the banner says so and the Date header shows it', async () => {
    const out: string[] = [];
    const stop = new EventEmitter();
    const run = await runCli(['--vendor', 'sensu', '--sensu-port', '0', '--clock-offset', '-5m'], {
      out: (text) => out.push(text),
      err: (text) => out.push(text),
      onStop: (handler) => stop.on('stop', handler),
    });
    const [sensu] = run.sandboxes;
    if (!sensu) throw new Error('sandbox missing');
    expect(out.join('\n')).toContain('(access 300 s, session idle 360 s, clock -5m)');
    expect(sensu.control.clock().offsetMs).toBe(-300_000);
    const date = (await fetch(`${sensu.url}/version`)).headers.get('date') ?? '';
    expect(Math.abs(Date.parse(date) - (Date.now() - 300_000))).toBeLessThan(2000);
    stop.emit('stop', 'SIGTERM');
    expect(await run.exitCode).toBe(0);
  });

  it('says which port is taken and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const err: string[] = [];
    try {
      const run = await runCli(['--vendor', 'cloudcx', '--cloudcx-port', String(port)], {
        out: () => undefined,
        err: (text) => err.push(text),
        onStop: () => undefined,
      });
      expect(await run.exitCode).toBe(1);
      expect(err.join('\n')).toContain(
        `Port 127.0.0.1:${port} (CloudCX sandbox) is already in use`,
      );
    } finally {
      blocker.close();
    }
  });

  it('prints usage for --help', async () => {
    const out: string[] = [];
    const run = await runCli(['--help'], {
      out: (t) => out.push(t),
      err: () => undefined,
      onStop: () => undefined,
    });
    expect(await run.exitCode).toBe(0);
    expect(out.join('')).toContain('Usage: tokenwire-sandbox');
  });
});
