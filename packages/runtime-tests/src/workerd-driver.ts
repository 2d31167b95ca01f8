// Runs the bundled consumer/workerd-checks.mjs in workerd through Miniflare and prints the
// results as one JSON line. Run by the Node LTS of .runtimes (Miniflare needs Node >= 22),
// which runs this file as TypeScript by stripping its types:
//
//   node src/workerd-driver.ts <file holding a DriverInput as JSON>
//
// Miniflare lives in .runtimes, not among this package's dependencies, so it is imported
// from the path the input gives, and the little of its API used here is typed below.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** What the file named by the first argument holds. */
interface DriverInput {
  /** The file to import for `miniflare` (see `miniflareModule()` in runtimes.ts). */
  miniflare: string;
  /** The bundled module worker. */
  scriptPath: string;
  /** The compatibility date of the worker: the newest one the installed workerd supports. */
  compatibilityDate: string;
  /** The plan the worker receives as its request body. */
  plan: unknown;
}

/** The part of Miniflare's API this driver uses. */
interface MiniflareApi {
  Miniflare: new (options: {
    modules: true;
    scriptPath: string;
    compatibilityDate: string;
    host: string;
    port: number;
  }) => {
    dispatchFetch(
      url: string,
      init: { method: string; body: string },
    ): Promise<{ status: number; text(): Promise<string> }>;
    dispose(): Promise<void>;
  };
}

const inputPath = process.argv[2];
if (inputPath === undefined) {
  throw new Error(
    'Usage: node src/workerd-driver.ts <input.json>; the runtime test writes that file.',
  );
}
const input = JSON.parse(readFileSync(inputPath, 'utf8')) as DriverInput;
const { Miniflare } = (await import(pathToFileURL(input.miniflare).href)) as MiniflareApi;

// No `nodejs_compat` flag: the clients must run on the plain Workers runtime. The worker's
// outbound fetch reaches the sandboxes on 127.0.0.1: Miniflare's network service allows
// private and loopback addresses.
const miniflare = new Miniflare({
  modules: true,
  scriptPath: input.scriptPath,
  compatibilityDate: input.compatibilityDate,
  host: '127.0.0.1',
  port: 0,
});
try {
  const response = await miniflare.dispatchFetch('http://workerd-checks/', {
    method: 'POST',
    body: JSON.stringify(input.plan),
  });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`the worker answered ${response.status} instead of the results: ${body}`);
  }
  console.log(body);
} finally {
  await miniflare.dispose();
}
