#!/usr/bin/env node
// `pnpm lint:specs`: every spec under both linters, and any finding fails.
//   redocly lint    the rules of redocly.yaml (recommended-strict plus ours)
//   spectral lint   Spectral's spectral:oas ruleset (.spectral.yaml), warnings included
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRedocly } from './redocly.mjs';
import { vendors } from './vendors.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

let failed = false;
try {
  await runRedocly(['lint']);
} catch {
  failed = true;
}
// Spectral's output goes through this process's stdout too, so it keeps its place after
// Redocly's.
const spectralCode = await new Promise((done, fail) => {
  const child = spawn(
    join(repoRoot, 'node_modules/.bin/spectral'),
    [
      'lint',
      ...vendors.map((v) => v.spec),
      '--ruleset',
      '.spectral.yaml',
      '--fail-severity',
      'warn',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk) => process.stdout.write(chunk));
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  child.once('error', fail);
  child.once('close', (code) => done(code));
});
if (spectralCode !== 0) failed = true;
if (failed) {
  console.error('lint:specs: fix the findings above (Redocly, Spectral or both).');
  process.exit(1);
}
