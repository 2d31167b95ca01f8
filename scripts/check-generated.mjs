#!/usr/bin/env node
// Regenerates every API's types and fails when the committed files differ.
import { execFileSync } from 'node:child_process';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, readApis } from './generate.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = [];
for (const api of await readApis()) {
  outputs.push(await generate(api));
}
const status = execFileSync('git', ['status', '--porcelain', '--', ...outputs], {
  cwd: repoRoot,
  encoding: 'utf8',
});
if (status.trim() !== '') {
  const diff = execFileSync('git', ['diff', '--stat', '--', ...outputs], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  console.error(
    `Generated files are out of date with the specs:\n${status}${diff}\nRun \`pnpm generate\` and commit the result.`,
  );
  process.exit(1);
}
console.log(
  `generated files in sync: ${outputs.map((o) => relative(repoRoot, resolve(repoRoot, o))).join(', ')}`,
);
