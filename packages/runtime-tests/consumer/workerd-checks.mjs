// The workerd entry of the runtime checks: an ES module worker, bundled with esbuild from
// the installed tarballs and run in Miniflare. A POST carries the plan as JSON; the answer
// is the results.
import { runChecks } from './runtime-checks.mjs';

export default {
  async fetch(request) {
    return Response.json(await runChecks(await request.json()));
  },
};
