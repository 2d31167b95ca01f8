// Starting Prism (mock or proxy) on a loopback port and reading its verdicts: shared by
// `pnpm mock`, the sandbox's contract test and the clients' contract test.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const prismBin = resolve(repoRoot, 'node_modules/.bin/prism');
const host = '127.0.0.1';

/** A free loopback port (Prism cannot be told to pick one itself). */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export function canConnect(port) {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

function stop(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/**
 * Starts `prism mock SPEC` or `prism proxy SPEC UPSTREAM [--errors]` on 127.0.0.1 and
 * resolves once it accepts connections.
 * `onSpawn` receives the child process as soon as it exists, before it listens, so a caller
 * can make sure it ends with the caller's own process from the first moment.
 * @param {{ spec: string, upstream?: string, errors?: boolean, port?: number, timeoutMs?: number, onLine?: (line: string) => void, onSpawn?: (child: import('node:child_process').ChildProcess) => void }} options
 */
export async function startPrism(options) {
  const port = options.port ?? (await freePort());
  if (await canConnect(port)) {
    throw new Error(`Port ${host}:${port} is already in use; stop whatever listens there.`);
  }
  const args = options.upstream
    ? ['proxy', resolve(repoRoot, options.spec), options.upstream]
    : ['mock', resolve(repoRoot, options.spec)];
  args.push('--host', host, '--port', String(port));
  if (options.errors) args.push('--errors');
  const child = spawn(prismBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  options.onSpawn?.(child);
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      output = (output + chunk).slice(-20_000);
      for (const line of chunk.split('\n')) if (line.trim()) options.onLine?.(line);
    });
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `Prism exited (${child.exitCode ?? child.signalCode}) before listening on ${port}:\n${output}`,
      );
    }
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`Prism did not listen on ${host}:${port} in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  return {
    url: `http://${host}:${port}`,
    port,
    output: () => output,
    exited,
    close: () => stop(child),
  };
}

/** The violations Prism reported for one exchange: its header, or the body of its own error. */
export function violationsOf(response, body) {
  const header = response.headers.get('sl-violations');
  const list = header ? JSON.parse(header) : [];
  if (response.headers.get('content-type')?.includes('application/problem+json')) {
    const problem = JSON.parse(body);
    list.push(
      ...(problem.validation ?? [
        { location: ['prism'], severity: 'Error', message: `${problem.type}: ${problem.title}` },
      ]),
    );
  }
  return list;
}
