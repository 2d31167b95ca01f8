// Child processes that end with this one. The main command and `pnpm mock` start the Prism
// mocks as separate processes. Whatever ends the parent must end them too, or they linger as
// orphans that keep their ports: a return, process.exit(), an uncaught exception or an
// unhandled rejection (both reach the 'exit' event), or SIGINT, SIGTERM or SIGHUP (whose
// default action would skip the 'exit' event, hence exitOnSignals).
// SIGKILL cannot be caught: a parent killed that way leaves its children to the caller.
import { constants } from 'node:os';

/** The signals {@link exitOnSignals} handles: Ctrl-C, `kill`, and a closed terminal. */
export const shutdownSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** @type {Set<() => void>} */
const stoppers = new Set();
let exitHookInstalled = false;

function stopAll() {
  for (const stop of stoppers) {
    try {
      stop();
    } catch {
      // A child that cannot be signalled (already gone) must not spare the others.
    }
  }
  stoppers.clear();
}

/**
 * Runs `stopNow` when this process exits, however it exits. `stopNow` runs inside the
 * 'exit' event, so it must act synchronously: signal the child, don't wait for it.
 * @param {() => void} stopNow
 * @returns {() => void} forgets `stopNow` (call it once the child was stopped gracefully)
 */
export function endWithThisProcess(stopNow) {
  if (!exitHookInstalled) {
    process.on('exit', stopAll);
    exitHookInstalled = true;
  }
  const entry = () => stopNow();
  stoppers.add(entry);
  return () => {
    stoppers.delete(entry);
  };
}

/** The shell's exit code for a process ended by `signal`: 128 + its number. */
export function signalExitCode(signal) {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * On SIGINT, SIGTERM or SIGHUP, runs `shutdown(signal)` once (the graceful path: close the
 * servers, stop the children) and exits with the code it resolves with, or 128 + the signal
 * number. A second signal, a rejected shutdown, or a shutdown still running after `graceMs`
 * exits at once; every child registered with {@link endWithThisProcess} is signalled on the
 * way out in every case.
 * @param {(signal: NodeJS.Signals) => Promise<number | undefined> | number | undefined} shutdown
 * @param {{ graceMs?: number }} [options]
 */
export function exitOnSignals(shutdown, options = {}) {
  const graceMs = options.graceMs ?? 10_000;
  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    const code = signalExitCode(signal);
    if (stopping) return process.exit(code);
    stopping = true;
    setTimeout(() => {
      console.error(`Still stopping ${graceMs / 1000} s after ${signal}: exiting now.`);
      process.exit(code);
    }, graceMs).unref();
    Promise.resolve()
      .then(() => shutdown(signal))
      .then(
        (exitCode) => process.exit(exitCode ?? code),
        (error) => {
          console.error(
            `Stopping after ${signal} failed: ${error instanceof Error ? error.message : error}`,
          );
          process.exit(code);
        },
      );
  };
  for (const signal of shutdownSignals) process.on(signal, onSignal);
}
