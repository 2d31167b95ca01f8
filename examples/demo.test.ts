import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('the main command demo (--once)', () => {
  it('walks through every vendor and exits 0', async () => {
    const tsx = resolve(import.meta.dirname, 'node_modules/.bin/tsx');
    const { stdout } = await run(tsx, ['demo.ts', '--once'], {
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
});
