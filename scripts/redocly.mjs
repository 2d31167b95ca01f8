// Runs the Redocly CLI with its output passed through, less one banner: on Node 20 every
// command prints a boxed "Node.js 20 support is ending" notice to stderr, and no option or
// environment variable turns it off. Node 20 is this project's supported floor, so the notice
// reads as "your setup is wrong" when it is not. Every other line, boxed or not, is kept.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const redocly = join(repoRoot, 'node_modules/.bin/redocly');
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * Returns a line filter that drops the Node 20 deprecation box (from its `╔` line to its `╚`
 * line, and the blank line around it) and passes everything else on to `write`.
 */
export function withoutNode20Banner(write) {
  let box = null;
  let afterBanner = false;
  return (line) => {
    const plain = line.replace(ansi, '');
    if (afterBanner) {
      afterBanner = false;
      if (plain.trim() === '') return;
    }
    if (box === null && plain.trimStart().startsWith('╔')) {
      box = [line];
      return;
    }
    if (box !== null) {
      box.push(line);
      if (!plain.trimStart().startsWith('╚')) return;
      const lines = box;
      box = null;
      if (lines.some((l) => l.includes('Node.js 20 support is ending'))) afterBanner = true;
      else lines.forEach(write);
      return;
    }
    write(line);
  };
}

function pipeLines(stream, write) {
  const filter = withoutNode20Banner(write);
  let pending = '';
  let started = false;
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      // The box comes first, after one empty line: drop that one too.
      if (!started && line.trim() === '') continue;
      started = true;
      filter(line);
    }
  });
  stream.on('end', () => {
    if (pending !== '') filter(pending);
  });
}

/**
 * Runs `redocly <args>` in the repository root. With `capture`, resolves with its stdout and
 * stderr (filtered) instead of printing them. Rejects when it exits non-zero, with its output.
 */
export function runRedocly(args, { capture = false } = {}) {
  return new Promise((done, fail) => {
    const child = spawn(redocly, args, {
      cwd: repoRoot,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { stdout: '', stderr: '' };
    for (const name of /** @type {const} */ (['stdout', 'stderr'])) {
      pipeLines(child[name], (line) => {
        if (capture) output[name] += `${line}\n`;
        else process[name].write(`${line}\n`);
      });
    }
    child.once('error', fail);
    child.once('close', (code, signal) => {
      if (code === 0) done(output);
      else {
        const error = new Error(
          `redocly ${args.join(' ')} failed (${signal ?? `exit code ${code}`}).\n${output.stderr}${output.stdout}`,
        );
        fail(Object.assign(error, output, { code }));
      }
    });
  });
}
