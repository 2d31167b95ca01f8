#!/usr/bin/env node
// The loopback ports the main command serves on, and the check it runs before it spends
// minutes on install and build: a busy port is reported with its service and the way to
// move every port (TOKENWIRE_PORT_OFFSET=100 or --port-offset 100), instead of a bare
// EADDRINUSE at the end.
//   node scripts/ports.mjs [--once] [--port-offset N]   exit 0 when every port is free
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canConnect } from './prism.mjs';
import { vendors } from './vendors.mjs';

const host = '127.0.0.1';

/** The environment variable that moves every port of the main command and `pnpm mock`. */
export const portOffsetVariable = 'TOKENWIRE_PORT_OFFSET';

/** The command-line option that does the same (it wins over the variable). */
export const portOffsetOption = '--port-offset';

/** The docs server's port before any offset. */
export const docsPort = 4030;

/**
 * The port offset from `--port-offset N` (or `--port-offset=N`) in `argv`, else from
 * TOKENWIRE_PORT_OFFSET in `env`, else 0.
 * @param {readonly string[]} [argv]
 * @param {Record<string, string | undefined>} [env]
 * @returns {number}
 * @throws {Error} when the value is not a whole number or moves a port out of 1-65535
 */
export function portOffsetFrom(argv = process.argv.slice(2), env = process.env) {
  let raw = env[portOffsetVariable];
  let source = portOffsetVariable;
  argv.forEach((arg, index) => {
    if (arg === portOffsetOption) {
      raw = argv[index + 1] ?? '';
      source = portOffsetOption;
    } else if (arg.startsWith(`${portOffsetOption}=`)) {
      raw = arg.slice(portOffsetOption.length + 1);
      source = portOffsetOption;
    }
  });
  if (raw === undefined || raw === '') {
    if (source === portOffsetOption) {
      throw new Error(`${portOffsetOption} needs a number, for example ${portOffsetOption} 100.`);
    }
    return 0;
  }
  const offset = Number(raw);
  const ports = mainCommandPorts().map((entry) => entry.port);
  const lowest = Math.min(...ports);
  const highest = Math.max(...ports);
  if (!Number.isInteger(offset) || lowest + offset < 1 || highest + offset > 65_535) {
    throw new Error(
      `${source} must be a whole number that keeps the ports (${lowest}-${highest} before the offset) between 1 and 65535, for example 100; got "${raw}".`,
    );
  }
  return offset;
}

/**
 * Every port of the main command, moved by `offset`: the sandboxes, the Prism mocks (keyed
 * by vendor api name) and the docs server.
 * @param {number} [offset]
 */
export function portsAt(offset = 0) {
  return {
    sandbox: Object.fromEntries(vendors.map((vendor) => [vendor.api, vendor.sandboxPort + offset])),
    mock: Object.fromEntries(vendors.map((vendor) => [vendor.api, vendor.mockPort + offset])),
    docs: docsPort + offset,
  };
}

/**
 * The services the main command starts and their loopback ports, moved by `offset`.
 * `once`: only the sandboxes, which are all that `--once` starts.
 * @param {{ offset?: number, once?: boolean }} [options]
 * @returns {Array<{ service: string, port: number }>}
 */
export function mainCommandPorts(options = {}) {
  const ports = portsAt(options.offset ?? 0);
  const sandboxes = vendors.map((vendor) => ({
    service: `${vendor.title} sandbox`,
    port: ports.sandbox[vendor.api],
  }));
  if (options.once) return sandboxes;
  return [
    ...sandboxes,
    ...vendors.map((vendor) => ({
      service: `${vendor.title} Prism mock`,
      port: ports.mock[vendor.api],
    })),
    { service: 'API docs', port: ports.docs },
  ];
}

function canListen(port) {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', (error) => done(/** @type {NodeJS.ErrnoException} */ (error).code));
    server.listen({ port, host, exclusive: true }, () => server.close(() => done(undefined)));
  });
}

/**
 * Why 127.0.0.1:`port` cannot be served on (`'EADDRINUSE'` when something listens there,
 * or the error code of the failed bind, e.g. `'EACCES'`), or undefined when it is free.
 * @param {number} port
 * @returns {Promise<string | undefined>}
 */
export async function portProblem(port) {
  // A listener on 0.0.0.0 may let a 127.0.0.1 bind succeed (BSD sockets) and still take the
  // connections, so a port that accepts connections counts as busy too.
  if (await canConnect(port)) return 'EADDRINUSE';
  return canListen(port);
}

/**
 * The entries of `ports` that cannot be served on, each with its problem.
 * @param {Array<{ service: string, port: number }>} ports
 */
export async function busyPorts(ports) {
  const problems = await Promise.all(ports.map(({ port }) => portProblem(port)));
  return ports.flatMap((entry, index) => {
    const problem = problems[index];
    return problem ? [{ ...entry, problem }] : [];
  });
}

/**
 * An offset from 100, 200, ... 1000 at which every port of `once`'s set is free now, or
 * undefined when there is none.
 * @param {{ once?: boolean }} [options]
 */
export async function freeOffset(options = {}) {
  for (let offset = 100; offset <= 1000; offset += 100) {
    const ports = mainCommandPorts({ offset, once: options.once ?? false });
    if ((await busyPorts(ports)).length === 0) return offset;
  }
  return undefined;
}

/**
 * The message for busy ports: which port, which service, and how to pick other ports.
 * @param {Array<{ service: string, port: number, problem: string }>} busy
 * @param {{ command?: string, suggestedOffset?: number }} [options]
 */
export function busyPortsMessage(busy, options = {}) {
  const command = options.command ?? 'bash scripts/main.sh';
  const offset = options.suggestedOffset ?? 100;
  const lines = busy.map(({ service, port, problem }) =>
    problem === 'EADDRINUSE'
      ? `Port ${host}:${port} (${service}) is already in use.`
      : `Port ${host}:${port} (${service}) cannot be listened on (${problem}).`,
  );
  lines.push(
    'Stop what listens there, or move every port of the command by an offset:',
    `  ${portOffsetVariable}=${offset} ${command}`,
    `  ${command} ${portOffsetOption} ${offset}`,
  );
  if (options.suggestedOffset !== undefined) {
    lines.push(`(every port is free at offset ${offset} right now)`);
  }
  return lines.join('\n');
}

/**
 * Checks every port the command will serve on. Resolves with undefined when all are free,
 * else with the message to print.
 * @param {{ offset?: number, once?: boolean, command?: string }} [options]
 * @returns {Promise<string | undefined>}
 */
export async function checkPorts(options = {}) {
  const once = options.once ?? false;
  const busy = await busyPorts(mainCommandPorts({ offset: options.offset ?? 0, once }));
  if (busy.length === 0) return undefined;
  const suggestedOffset = await freeOffset({ once });
  return busyPortsMessage(busy, {
    ...(options.command === undefined ? {} : { command: options.command }),
    ...(suggestedOffset === undefined ? {} : { suggestedOffset }),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  try {
    const once = argv.includes('--once');
    const problem = await checkPorts({
      offset: portOffsetFrom(argv),
      once,
      command: once ? 'bash scripts/main.sh --once' : 'bash scripts/main.sh',
    });
    if (problem) {
      console.error(problem);
      process.exit(1);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
