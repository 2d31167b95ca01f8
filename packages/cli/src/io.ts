/** What a CLI run reads and writes: injectable, so that the runner is testable in-process. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** Writes to stdout (the token, the JSON answer). */
  out(text: string): void;
  /** Writes to stderr (messages, warnings, the prompt). */
  err(text: string): void;
  /** Whether stdout is a terminal (pretty JSON). */
  readonly stdoutIsTty: boolean;
  /** The stream the prompt writes to. */
  readonly stderrStream: NodeJS.WritableStream;
}
