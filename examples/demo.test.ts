import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { defaultPorts } from '@tokenwire/sandbox';
import { describe, expect, it } from 'vitest';
import { freeOffset, portsAt } from '../scripts/ports.mjs';
import { childPidsOf, commandLineOf, waitUntilGone } from '../scripts/test-support/process-tree';

const run = promisify(execFile);
// As scripts/main.sh runs it: one Node process that owns the sandboxes and the mocks.
const demo = ['--import', 'tsx', 'demo.ts'];

describe('the main command demo (--once)', () => {
  it('walks through every vendor and exits 0', async () => {
    const { stdout } = await run(process.execPath, [...demo, '--once'], {
      cwd: import.meta.dirname,
      timeout: 60_000,
    });
    for (const title of ['== CloudLX', '== CloudCX', '== Sensu Go'])
      expect(stdout).toContain(title);
    expect(stdout).toMatch(/25\/25 calls succeeded/);
    expect(stdout).toContain('token-endpoint calls for the whole burst: 1');
    expect(stdout).toMatch(/API-key call: HTTP 200, 0 token requests/);
    expect(stdout).toContain('CredentialsRejectedError [CREDENTIALS_REJECTED]');
    expect(stdout).toMatch(/transient 503 retried after 1\.\d s: HTTP 200, 2 attempts/);
    expect(stdout).not.toContain('FAIL');
    expect(stdout).toContain('Demo finished: every step behaved.');
    // No secret of the default sandbox credentials is printed by the demo.
    expect(stdout).not.toContain('sandbox-password');
    expect(stdout).not.toContain('sandboxCloudlxClientSecret');
  });

  it("serves the sandboxes on the sandbox package's default ports", () => {
    expect(portsAt(0).sandbox).toEqual(defaultPorts);
  });
});

describe.skipIf(process.platform !== 'linux')('the main command demo (serving)', () => {
  it('moves every port by --port-offset, and SIGTERM ends it and every Prism mock', async () => {
    const offset = await freeOffset();
    if (offset === undefined) throw new Error('no free port offset from 100 to 1000');
    const ports = portsAt(offset);
    const child = spawn(process.execPath, [...demo, '--port-offset', String(offset)], {
      cwd: import.meta.dirname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    try {
      await new Promise<void>((done, fail) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (/API docs {2,}\S/.test(stdout)) done();
        });
        void exited.then((code) => fail(new Error(`the demo exited (${code}):\n${stderr}`)));
      });
      expect(stdout).toContain('Demo finished: every step behaved.');
      expect(stdout).toContain(`CloudLX http://127.0.0.1:${ports.sandbox.cloudlx}`);
      expect(stdout).toContain(`Sensu http://127.0.0.1:${ports.mock.sensu}`);
      // The docs are served when site/ is built (scripts/main.sh builds it first).
      expect(stdout).toMatch(
        new RegExp(
          `API docs {14}(http://127\\.0\\.0\\.1:${ports.docs}|not built: \`pnpm run docs\`)`,
        ),
      );
      const children = childPidsOf(child.pid ?? 0);
      expect(children.filter((pid) => commandLineOf(pid).includes('prism'))).toHaveLength(3);

      child.kill('SIGTERM');

      expect(await exited).toBe(0);
      expect(await waitUntilGone(children, 15_000)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
