import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { type RunningSandbox, startSandbox, type Vendor } from '@tokenwire/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsx = resolve(import.meta.dirname, 'node_modules/.bin/tsx');

describe.each([
  {
    vendor: 'cloudlx',
    env: 'CLOUDLX_BASE_URL',
    expect: /CloudLX: \d+ services[\s\S]*CloudLX: \d+ users/,
  },
  { vendor: 'cloudcx', env: 'CLOUDCX_BASE_URL', expect: /CloudCX: iterated [1-9]\d* users/ },
  {
    vendor: 'sensu',
    env: 'SENSU_BASE_URL',
    expect: /Sensu: namespaces default[\s\S]*iterated [1-9]\d* entities/,
  },
] as const)('examples/$vendor.ts', ({ vendor, env, expect: output }) => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ vendor: vendor as Vendor, port: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('runs against the sandbox with its default credentials', async () => {
    const { stdout } = await run(tsx, [`${vendor}.ts`], {
      cwd: import.meta.dirname,
      env: { ...process.env, [env]: sandbox.url },
    });
    expect(stdout).toMatch(output);
    expect(sandbox.control.counters().primaryGrants).toBe(1);
  });
});
