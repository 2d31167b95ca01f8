#!/usr/bin/env node
// `pnpm mock`: one Prism mock server per spec on 127.0.0.1 (CloudLX 4010, CloudCX 4011,
// Sensu 4012; `--port-offset N` or TOKENWIRE_PORT_OFFSET=N moves them). Waits until each is
// listening, prints the URLs, and stops them all on Ctrl-C / SIGTERM / SIGHUP or as soon as
// one of them dies. Every Prism process started here also ends when this process ends,
// however it ends (see children.mjs).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { endWithThisProcess, exitOnSignals } from './children.mjs';
import { busyPorts, busyPortsMessage, portOffsetFrom } from './ports.mjs';
import { startPrism } from './prism.mjs';
import { vendors } from './vendors.mjs';

/**
 * Starts one Prism mock per vendor spec.
 * @param {{ ports?: Record<string, number>, timeoutMs?: number, log?: (line: string) => void }} [options]
 */
export async function startMocks(options = {}) {
  const started = [];
  let closing = false;
  const close = async () => {
    closing = true;
    await Promise.all(
      started.map(async ({ prism, forget }) => {
        await prism.close();
        forget();
      }),
    );
  };
  let reportExit;
  const exited = new Promise((done) => {
    reportExit = done;
  });
  const results = await Promise.allSettled(
    vendors.map(async (vendor) => {
      // Registered the moment Prism is spawned, so a crash while the mocks are still
      // starting ends them too (the 'exit' event allows only synchronous work: a kill).
      let forget = () => {};
      const prism = await startPrism({
        spec: vendor.spec,
        port: options.ports?.[vendor.api] ?? vendor.mockPort,
        timeoutMs: options.timeoutMs ?? 60_000,
        onLine: (line) => options.log?.(`[${vendor.api} mock] ${line}`),
        onSpawn: (child) => {
          forget = endWithThisProcess(() => child.kill('SIGTERM'));
        },
      }).catch((error) => {
        forget();
        throw error;
      });
      started.push({ vendor, prism, forget });
      prism.exited.then(({ code, signal }) => {
        if (!closing) reportExit({ vendor: vendor.api, code, signal });
      });
    }),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    await close();
    const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
    throw new Error(`Could not start the mocks: ${reason}`);
  }
  started.sort((a, b) => vendors.indexOf(a.vendor) - vendors.indexOf(b.vendor));
  return {
    urls: Object.fromEntries(started.map(({ vendor, prism }) => [vendor.api, prism.url])),
    close,
    /** Resolves when one mock died on its own (not through close()). */
    exited,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const verbose = argv.includes('--verbose');
  try {
    const offset = portOffsetFrom(argv);
    const ports = Object.fromEntries(
      vendors.map((vendor) => [vendor.api, vendor.mockPort + offset]),
    );
    const busy = await busyPorts(
      vendors.map((vendor) => ({ service: `${vendor.title} Prism mock`, port: ports[vendor.api] })),
    );
    if (busy.length > 0) {
      console.error(busyPortsMessage(busy, { command: 'pnpm mock' }));
      process.exit(1);
    }
    const starting = startMocks({ ports, log: verbose ? (line) => console.log(line) : undefined });
    exitOnSignals(async (signal) => {
      console.log(`\n${signal}: stopping the mocks.`);
      // A start that failed has already stopped the mocks it had started.
      const mocks = await starting.catch(() => undefined);
      await mocks?.close();
      return 0;
    });
    const mocks = await starting;
    console.log('Prism mocks are listening (stateless, answers come from the spec examples):');
    for (const vendor of vendors)
      console.log(`  ${vendor.title.padEnd(9)} ${mocks.urls[vendor.api]}`);
    console.log('Press Ctrl-C to stop.');
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
