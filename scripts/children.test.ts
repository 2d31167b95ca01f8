import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signalExitCode } from './children.mjs';
import { childPidsOf, commandLineOf, isRunning, waitUntilGone } from './test-support/process-tree';

const fixture = resolve(import.meta.dirname, 'test-support/parent-of-children.mjs');

interface Parent {
  process: ChildProcess;
  pid: number;
  crashUrl: string;
  /** Everything the parent wrote to stderr so far. */
  stderr(): string;
  /** The parent's children once it was ready. */
  children: number[];
  /** Their command lines then. */
  commandLines: Map<number, string>;
  /** Resolves once the parent wrote `text` to stdout. */
  printed(text: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const parents: Parent[] = [];

/** Starts the fixture parent and resolves once its children run and it serves. */
async function startParent(args: string[]): Promise<Parent> {
  const child = spawn(process.execPath, [fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const printed = (text: string) =>
    new Promise<void>((done) => {
      const look = () => {
        if (!stdout.includes(text)) return;
        child.stdout.off('data', look);
        done();
      };
      child.stdout.on('data', look);
      look();
    });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const ready = await new Promise<{ crashUrl: string }>((done, fail) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((text) => text.startsWith('{"ready"'));
      if (line) done(JSON.parse(line));
    });
    void exited.then(({ code }) => fail(new Error(`the parent exited (${code}): ${stderr}`)));
  });
  if (child.pid === undefined) throw new Error('the parent has no pid');
  const children = childPidsOf(child.pid);
  const parent = {
    process: child,
    pid: child.pid,
    crashUrl: ready.crashUrl,
    children,
    commandLines: new Map(children.map((pid) => [pid, commandLineOf(pid)])),
    stderr: () => stderr,
    printed,
    exited,
  };
  parents.push(parent);
  return parent;
}

afterEach(() => {
  // A failed assertion must not leave a parent or its children running.
  for (const parent of parents.splice(0)) {
    parent.process.kill('SIGKILL');
    for (const pid of parent.children) {
      // Only a child still running its own command: by now its pid may be another process's.
      if (isRunning(pid) && commandLineOf(pid) === parent.commandLines.get(pid)) {
        process.kill(pid, 'SIGKILL');
      }
    }
  }
});

describe.skipIf(process.platform !== 'linux')('children end with the parent', () => {
  it('an uncaught exception in a request handler ends every Prism mock it started', async () => {
    const parent = await startParent([]);
    const prisms = parent.children.filter((pid) => commandLineOf(pid).includes('prism'));
    expect(prisms).toHaveLength(3);

    await fetch(parent.crashUrl).catch(() => undefined);
    const { code } = await parent.exited;

    expect(code).toBe(1);
    expect(parent.stderr()).toContain('URIError: URI malformed');
    expect(await waitUntilGone(prisms, 15_000)).toEqual([]);
  });

  it('SIGHUP (a closed terminal) stops every Prism mock and exits 0', async () => {
    const parent = await startParent([]);
    const children = parent.children;
    expect(children.filter((pid) => commandLineOf(pid).includes('prism'))).toHaveLength(3);

    parent.process.kill('SIGHUP');
    const { code } = await parent.exited;

    expect(code).toBe(0);
    expect(await waitUntilGone(children, 15_000)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s ends a stand-in child', async (signal) => {
    const parent = await startParent(['--stand-in']);
    const children = parent.children;
    expect(children).toHaveLength(1);

    parent.process.kill(signal);
    const { code } = await parent.exited;

    expect(code).toBe(0);
    expect(await waitUntilGone(children, 15_000)).toEqual([]);
  });

  it('a second signal during a hanging shutdown exits at once and still ends the child', async () => {
    const parent = await startParent(['--stand-in', '--hang-on-shutdown']);
    const children = parent.children;
    expect(children).toHaveLength(1);

    parent.process.kill('SIGINT');
    await parent.printed('shutting down after SIGINT');
    parent.process.kill('SIGINT');
    const { code } = await parent.exited;

    expect(code).toBe(signalExitCode('SIGINT'));
    expect(await waitUntilGone(children, 15_000)).toEqual([]);
  });

  it('a shutdown still hanging after the grace period exits and still ends the child', async () => {
    const parent = await startParent(['--stand-in', '--hang-on-shutdown', '--grace-ms', '200']);
    const children = parent.children;

    parent.process.kill('SIGTERM');
    const { code } = await parent.exited;

    expect(code).toBe(signalExitCode('SIGTERM'));
    expect(parent.stderr()).toContain('Still stopping 0.2 s after SIGTERM: exiting now.');
    expect(await waitUntilGone(children, 15_000)).toEqual([]);
  });
});
