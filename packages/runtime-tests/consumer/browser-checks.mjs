// The browser entry of the runtime checks, bundled with esbuild from the installed
// tarballs: the page calls `globalThis.runChecks(plan)`.
import { runChecks } from './runtime-checks.mjs';

globalThis.runChecks = runChecks;
