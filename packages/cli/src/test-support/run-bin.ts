// Runs the built `tokenwire` bin (dist/cli.js) in a child process with a clean environment:
// no credentials but the ones a test passes, and the cache and profiles in a temp dir.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built bin. */
export const binPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Fails with what to do when the bin has not been built. */
export function assertBuilt(): void {
  if (!existsSync(binPath)) {
    throw new Error(
      `${binPath} is missing: run pnpm --filter @tokenwire/cli build first (pnpm test does it through turbo).`,
    );
  }
}

/** What a run printed and how it ended. */
export interface BinRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tokenwire args...` (the built bin, or `bin`) with `env` on top of a minimal environment, `input` on stdin. */
export function runBin(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  input = '',
  bin = binPath,
): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
