#!/usr/bin/env node
// `pnpm sandbox` / `tokenwire-sandbox`: starts the vendor sandboxes on 127.0.0.1, prints
// their URLs and credentials, and stops them on Ctrl-C or SIGTERM.
import { runCli } from './cli-run';

runCli(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  onStop: (handler) => {
    process.on('SIGINT', () => handler('SIGINT'));
    process.on('SIGTERM', () => handler('SIGTERM'));
  },
})
  .then((run) => run.exitCode)
  .then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
