// The Web Worker entry of the runtime checks, bundled like the page's: it takes the plan
// as a message and answers with the results.
import { runChecks } from './runtime-checks.mjs';

self.onmessage = async (event) => {
  self.postMessage(await runChecks(event.data));
};
