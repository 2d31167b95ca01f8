// Reading a secret: one line from stdin (the *-stdin flags), or typed at a terminal with
// nothing echoed.

/** Reads stdin to its end and returns its first line, without the line break. */
export async function readStdinLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.split(/\r?\n/)[0] ?? '';
}

/** The parts of a TTY stdin the prompt uses. */
interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/**
 * Asks for a secret at the terminal: the question goes to stderr, the keys typed are not
 * echoed. Rejects on Ctrl-C or Ctrl-D before Enter.
 */
export function promptSecret(
  question: string,
  stdin: TtyInput,
  stderr: NodeJS.WritableStream,
): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(question);
    let typed = '';
    const finish = (error?: Error) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') {
          return finish(new Error('Cancelled at the prompt.'));
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
