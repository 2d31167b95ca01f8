#!/usr/bin/env node
// The `tokenwire` command. A committed file, so that installing the package (or
// the workspace, before any build) can always link the bin; the CLI itself is built into
// dist/ (src/cli.ts).
try {
  await import('../dist/cli.js');
} catch (error) {
  const missing =
    error instanceof Error &&
    'code' in error &&
    error.code === 'ERR_MODULE_NOT_FOUND' &&
    /dist[\\/]cli\.js/.test(error.message);
  if (!missing) throw error;
  console.error(
    'tokenwire is not built yet (dist/cli.js is missing). In the tokenwire repository, run `pnpm --filter @tokenwire/cli build`.',
  );
  process.exit(1);
}
