#!/usr/bin/env node
// `pnpm mock`: one Prism mock server per spec on 127.0.0.1 (CloudLX 4010, CloudCX 4011,
// Sensu 4012). Waits until each is listening, prints the URLs, and stops them all on
// Ctrl-C / SIGTERM or as soon as one of them dies.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vendors } from './vendors.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const prismBin = resolve(repoRoot, 'node_modules/.bin/prism');
const host = '127.0.0.1';

function canConnect(port) {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function waitForPort(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `Prism exited (code ${child.exitCode ?? child.signalCode}) before listening on ${port}.`,
      );
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Prism did not listen on ${host}:${port} within ${timeoutMs} ms.`);
}

/**
 * Starts one Prism mock per vendor spec.
 * @param {{ ports?: Record<string, number>, timeoutMs?: number, log?: (line: string) => void }} [options]
 */
export async function startMocks(options = {}) {
  const log = options.log ?? (() => {});
  const children = [];
  let closing = false;
  let resolveExit;
  const exited = new Promise((r) => {
    resolveExit = r;
  });

  const close = async () => {
    closing = true;
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise((r) => {
            if (child.exitCode !== null || child.signalCode !== null) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
  };

  for (const vendor of vendors) {
    const port = options.ports?.[vendor.api] ?? vendor.mockPort;
    if (await canConnect(port)) {
      await close();
      throw new Error(
        `Port ${host}:${port} (${vendor.title} mock) is already in use; stop whatever listens there.`,
      );
    }
    const child = spawn(
      prismBin,
      ['mock', '--host', host, '--port', String(port), resolve(repoRoot, vendor.spec)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const prefix = `[${vendor.api} mock]`;
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        for (const line of chunk.split('\n')) if (line.trim()) log(`${prefix} ${line}`);
      });
    }
    child.once('exit', (code, signal) => {
      if (!closing) {
        resolveExit({ vendor: vendor.api, code, signal });
        void close();
      }
    });
    children.push({ vendor, port, child, url: `http://${host}:${port}` });
  }

  try {
    await Promise.all(
      children.map(({ port, child }) => waitForPort(port, child, options.timeoutMs ?? 60_000)),
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    urls: Object.fromEntries(children.map(({ vendor, url }) => [vendor.api, url])),
    close,
    /** Resolves when one mock died on its own (not through close()). */
    exited,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const verbose = process.argv.includes('--verbose');
  try {
    const mocks = await startMocks({ log: verbose ? (line) => console.log(line) : undefined });
    console.log('Prism mocks are listening (stateless, answers come from the spec examples):');
    for (const vendor of vendors)
      console.log(`  ${vendor.title.padEnd(9)} ${mocks.urls[vendor.api]}`);
    console.log('Press Ctrl-C to stop.');
    const stop = async (signal) => {
      console.log(`\n${signal}: stopping the mocks.`);
      await mocks.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const died = await mocks.exited;
    console.error(
      `The ${died.vendor} mock exited (code ${died.code ?? died.signal}); stopped the others.`,
    );
    await mocks.close();
    process.exit(1);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
