import { banner, parseCli, usage, vendorTitles } from './cli-options';
import { type RunningSandbox, startSandbox } from './start-sandbox';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Registers the stop handler (the CLI passes SIGINT and SIGTERM). */
  onStop: (handler: (reason: string) => void) => void;
}

export interface CliRun {
  /** The running sandboxes (empty when the CLI stopped at once, e.g. on --help). */
  sandboxes: RunningSandbox[];
  /** Resolves with the exit code once the CLI is done. */
  exitCode: Promise<number>;
}

/**
 * Starts the sandboxes the command line asks for, prints the banner, and finishes when
 * `onStop` fires (a second stop gives up waiting).
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<CliRun> {
  let plan: ReturnType<typeof parseCli>;
  try {
    plan = parseCli(args);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return { sandboxes: [], exitCode: Promise.resolve(2) };
  }
  if (plan === 'help') {
    io.out(usage);
    return { sandboxes: [], exitCode: Promise.resolve(0) };
  }

  const running: RunningSandbox[] = [];
  const stopAll = async () => {
    await Promise.all(running.map((sandbox) => sandbox.close()));
  };
  for (const options of plan.sandboxes) {
    try {
      running.push(await startSandbox(options));
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? error.code : undefined;
      const title = vendorTitles[options.vendor];
      io.err(
        code === 'EADDRINUSE'
          ? `Port 127.0.0.1:${options.port} (${title} sandbox) is already in use: stop whatever listens there, or pass --${options.vendor}-port.`
          : `Could not start the ${title} sandbox: ${error instanceof Error ? error.message : String(error)}`,
      );
      await stopAll();
      return { sandboxes: [], exitCode: Promise.resolve(1) };
    }
  }

  io.out(
    banner(
      running.map((sandbox) => ({
        vendor: sandbox.vendor,
        url: sandbox.url,
        credentials: { ...sandbox.credentials },
        lifetimes: sandbox.control.state().lifetimes,
        clockOffsetMs: sandbox.control.clock().offsetMs,
        cors: sandbox.control.state().cors,
      })),
      plan.overridden,
    ),
  );

  const exitCode = new Promise<number>((resolve) => {
    let stopping = false;
    io.onStop((reason) => {
      if (stopping) {
        io.err(`${reason} again: exiting without waiting.`);
        resolve(1);
        return;
      }
      stopping = true;
      io.out(`\n${reason}: stopping the sandboxes.`);
      void stopAll().then(() => resolve(0));
    });
  });
  return { sandboxes: running, exitCode };
}
