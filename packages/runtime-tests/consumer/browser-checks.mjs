// The browser entry of the runtime checks, bundled with esbuild from the installed
// tarballs: the page calls `window.runChecks(plan)`.
import { runChecks } from './runtime-checks.mjs';

window.runChecks = runChecks;
