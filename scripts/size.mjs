#!/usr/bin/env node
// `pnpm size`: size-limit (minified + gzipped, our own dependencies bundled, openapi-fetch
// excluded) over .size-limit.json, plus the budget size-limit cannot express by itself:
// each vendor client adds at most 2 kB on top of @tokenwire/auth-middleware.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KB = 1000; // size-limit reads "3 kB" as 3,000 bytes
const ON_TOP_LIMIT = 2 * KB;

let output;
try {
  output = execFileSync(resolve(repoRoot, 'node_modules/.bin/size-limit'), ['--json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
} catch (error) {
  output = error.stdout ?? '';
  if (!output.trim().startsWith('[')) {
    console.error(error.stderr || error.message);
    process.exit(1);
  }
}
const results = JSON.parse(output);
const base = results.find((r) => r.name === '@tokenwire/auth-middleware');
let failed = false;
for (const r of results) {
  const onTop =
    r === base
      ? ''
      : `   (+${(r.size - base.size).toLocaleString('en-US')} B on top of auth-middleware, limit ${ON_TOP_LIMIT} B)`;
  console.log(
    `${r.passed ? 'ok  ' : 'FAIL'} ${r.name.padEnd(28)} ${r.size.toLocaleString('en-US').padStart(6)} B min+gz${onTop}`,
  );
  if (!r.passed) failed = true;
  if (r !== base && r.size - base.size > ON_TOP_LIMIT) {
    console.log(
      `FAIL ${r.name} adds ${r.size - base.size} B to auth-middleware (limit ${ON_TOP_LIMIT} B)`,
    );
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
