// `tokenwire sandbox`, `mock` and `docs`: what `pnpm sandbox`, `pnpm mock` and `pnpm run docs`
// start in the repository, for users of the published packages.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './cli-errors';
import type { ParsedCommand } from './commands';
import type { CliIo } from './io';
import { specsDir } from './operations';
import { isVendor, type Vendor, vendorInfo, vendors } from './vendors';

const require = createRequire(import.meta.url);

/** The loopback ports of the Prism mocks (as `pnpm mock`). */
export const mockPorts: Readonly<Record<Vendor, number>> = {
  cloudlx: 4010,
  cloudcx: 4011,
  sensu: 4012,
};

/** The install line printed when Prism is missing. */
export const prismInstall = 'npm i -D @stoplight/prism-cli@5.14';

/** The path of a package's bin script, or undefined when the package is not installed. */
export function binOf(packageName: string, bin: string, from = require): string | undefined {
  let manifestPath: string;
  try {
    manifestPath = from.resolve(`${packageName}/package.json`);
  } catch {
    return undefined;
  }
  const manifest = from(manifestPath) as { bin?: string | Record<string, string> };
  const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
  return relative === undefined ? undefined : join(dirname(manifestPath), relative);
}

/** Resolves when `child` exits, with its exit code (a signal counts as 1). */
function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code ?? 1));
    child.once('error', () => resolve(1));
  });
}

/** Passes SIGINT and SIGTERM on to the children, so that they stop cleanly. */
function forwardSignals(children: readonly ChildProcess[], onSignal = () => {}): () => void {
  const forward = (signal: NodeJS.Signals) => () => {
    onSignal();
    for (const child of children) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

/** `tokenwire sandbox ...`: runs `tokenwire-sandbox` (of @tokenwire/sandbox) with the same arguments. */
export async function runSandbox(args: readonly string[], _io: CliIo): Promise<number> {
  const bin = binOf('@tokenwire/sandbox', 'tokenwire-sandbox');
  if (!bin) throw new UsageError('@tokenwire/sandbox is not installed: npm i @tokenwire/sandbox.');
  const child = spawn(process.execPath, [bin, ...args], { stdio: 'inherit' });
  const stop = forwardSignals([child]);
  const code = await exited(child);
  stop();
  return code;
}

function portOffset(value: unknown): number {
  if (value === undefined) return 0;
  const offset = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(offset) || offset < 0 || offset > 60_000) {
    throw new UsageError(
      `--port-offset takes a whole number from 0 to 60000; got "${String(value)}".`,
    );
  }
  return offset;
}

function chosenVendors(value: unknown): Vendor[] {
  const names = Array.isArray(value) ? value : [];
  for (const name of names) {
    if (!isVendor(name))
      throw new UsageError(`--vendor takes one of ${vendors.join(', ')}; got "${name}".`);
  }
  return names.length ? [...new Set(names as Vendor[])] : [...vendors];
}

/** `tokenwire mock`: one Prism mock per spec on 127.0.0.1, stopped together. */
export async function runMock(values: ParsedCommand['values'], io: CliIo): Promise<number> {
  const offset = portOffset(values['port-offset']);
  const chosen = chosenVendors(values.vendor);
  const prism = binOf('@stoplight/prism-cli', 'prism');
  if (!prism) {
    throw new UsageError(
      `tokenwire mock runs Prism, which is not installed (an optional peer dependency, kept out because it is large). Install it beside @tokenwire/cli: ${prismInstall}`,
    );
  }
  const children = chosen.map((vendor) => {
    const spec = fileURLToPath(new URL(`${vendor}.yaml`, specsDir));
    const port = mockPorts[vendor] + offset;
    const child = spawn(
      process.execPath,
      [prism, 'mock', spec, '--host', '127.0.0.1', '--port', String(port)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const prefix = `[${vendor} mock] `;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) io.err(`${prefix}${line}\n`);
      });
    }
    io.out(`${vendorInfo[vendor].title.padEnd(9)} mock: http://127.0.0.1:${port}\n`);
    return child;
  });
  let stopping = false;
  const stop = forwardSignals(children, () => {
    stopping = true;
  });
  // One mock ending (a busy port, a crash) ends them all.
  const first = await Promise.race(children.map(exited));
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? exited(child) : undefined)));
  stop();
  return stopping ? 0 : first;
}

/** The Redoc script the reference pages load (from its CDN; the specs are local). */
export const redocScript = 'https://cdn.redoc.ly/redoc/v2.5.0/bundles/redoc.standalone.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="margin:0">${body}</body></html>\n`;
}

/** A running docs server. */
export interface DocsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the reference pages and the shipped specs on 127.0.0.1:`port`. */
export async function startDocsServer(port: number): Promise<DocsServer> {
  const index = page(
    'tokenwire API references',
    `<main style="font-family:sans-serif;padding:2rem"><h1>tokenwire API references</h1><ul>${vendors
      .map(
        (vendor) =>
          `<li><a href="/${vendor}/">${escapeHtml(vendorInfo[vendor].title)}</a> (<a href="/specs/${vendor}.yaml">${vendor}.yaml</a>)</li>`,
      )
      .join('')}</ul><p>The pages load Redoc from cdn.redoc.ly.</p></main>`,
  );
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, type: string, body: string | Buffer) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (path === '/') return send(200, 'text/html; charset=utf-8', index);
    const reference = /^\/(\w+)\/?$/.exec(path)?.[1];
    if (isVendor(reference)) {
      return send(
        200,
        'text/html; charset=utf-8',
        page(
          `${vendorInfo[reference].title} API reference (tokenwire)`,
          `<redoc spec-url="/specs/${reference}.yaml"></redoc><script src="${redocScript}"></script>`,
        ),
      );
    }
    const spec = /^\/specs\/(\w+)\.yaml$/.exec(path)?.[1];
    if (isVendor(spec)) {
      readFile(new URL(`${spec}.yaml`, specsDir)).then(
        (text) => send(200, 'application/yaml; charset=utf-8', text),
        () =>
          send(500, 'text/plain; charset=utf-8', 'The spec file is missing from the package.\n'),
      );
      return;
    }
    send(404, 'text/plain; charset=utf-8', 'Not found: see / for the pages.\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `tokenwire docs`: serves the reference pages until Ctrl-C. */
export async function runDocs(values: ParsedCommand['values'], io: CliIo): Promise<number> {
  const raw = values.port;
  const port = raw === undefined ? 4030 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port takes a port from 0 to 65535; got "${String(raw)}".`);
  }
  let server: DocsServer;
  try {
    server = await startDocsServer(port);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new UsageError(`Port 127.0.0.1:${port} is in use: pass --port (0 picks a free one).`);
    }
    throw error;
  }
  io.out(
    `API references: ${server.url}/ (${vendors.map((vendor) => `${server.url}/${vendor}/`).join(', ')})\nPress Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
