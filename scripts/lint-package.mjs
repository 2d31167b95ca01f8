#!/usr/bin/env node
// Lints the package in the current directory the way a user receives it: packs it with
// pnpm (so publishConfig applies), then runs publint --strict and are-the-types-wrong
// on that tarball, and checks that no test-only file (test-support/, *.test.*, *.fixture.*)
// is in it. Run from a package's `lint` script.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = mkdtempSync(join(tmpdir(), 'tokenwire-pack-'));
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
try {
  run('pnpm', ['pack', '--pack-destination', out]);
  const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball into ${out}`);
  const file = join(out, tarball);
  const packed = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n');
  const testOnly = packed.filter((path) =>
    /(^|\/)(test-support|__tests__)\/|\.(test|test-d|fixture)(\.d)?\.[cm]?[jt]sx?(\.map)?$/.test(
      path,
    ),
  );
  if (testOnly.length) {
    throw new Error(
      `The tarball ships test-only files:\n  ${testOnly.join('\n  ')}\nKeep them out of "files" and of the build's entries.`,
    );
  }
  run('publint', ['run', '--strict', '--pack', 'false', file]);
  // ESM-only packages: Node >= 20.19 can require() them, so the "CJS resolves to ESM"
  // note does not apply; node10 resolution predates `exports` and is out of scope.
  run('attw', [file, '--profile', 'esm-only']);
} finally {
  rmSync(out, { recursive: true, force: true });
}
