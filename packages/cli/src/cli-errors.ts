/** A problem with the command line or missing credentials: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The exit code of usage errors. */
  readonly exitCode = 2;
}

/** A failure the user must see without a stack trace (a refused call, a bad answer): exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  /** The exit code of failed commands. */
  readonly exitCode = 1;
}
