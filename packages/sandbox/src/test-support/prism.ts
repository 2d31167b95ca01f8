import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';

/** The repository root (this file is packages/sandbox/src/test-support/prism.ts). */
export const repoRoot = resolve(import.meta.dirname, '../../../..');
const prismBin = resolve(repoRoot, 'node_modules/.bin/prism');

/** A free loopback port (for Prism, which cannot be told to pick one itself). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export interface PrismProxy {
  url: string;
  /** Prism's output so far, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/**
 * `prism proxy <spec> <upstream> [--errors] -h 127.0.0.1 -p <free port>`: validates every
 * request and response passing through against the spec. With `errors`, a violation turns
 * into Prism's own 422/500 problem response; without it, the traffic passes and the
 * violations are listed in the `sl-violations` header.
 */
export async function startPrismProxy(
  spec: string,
  upstream: string,
  options: { errors: boolean },
): Promise<PrismProxy> {
  const port = await freePort();
  const args = ['proxy', resolve(repoRoot, spec), upstream, '-h', '127.0.0.1', '-p', String(port)];
  if (options.errors) args.push('--errors');
  const child = spawn(prismBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      output = (output + chunk).slice(-20_000);
    });
  }
  const deadline = Date.now() + 60_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop(child);
      throw new Error(`Prism did not start on ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, output: () => output, close: () => stop(child) };
}

export interface Violation {
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

/** The violations Prism reported for one exchange (header, or body of its own error). */
export function violationsOf(res: Response, body: string): Violation[] {
  const header = res.headers.get('sl-violations');
  const list: Violation[] = header ? (JSON.parse(header) as Violation[]) : [];
  if (res.headers.get('content-type')?.includes('application/problem+json')) {
    const problem = JSON.parse(body) as { validation?: Violation[]; title?: string; type?: string };
    list.push(
      ...(problem.validation ?? [
        { location: ['prism'], severity: 'Error', message: `${problem.type}: ${problem.title}` },
      ]),
    );
  }
  return list;
}
