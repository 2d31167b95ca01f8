// The command-line entry of the runtime checks, the same file under Node, Bun and Deno:
// reads the plan (JSON) from the first argument and prints the results as one JSON line.
import { runChecks } from './runtime-checks.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const plan = JSON.parse(args[0] ?? '{}');
console.log(JSON.stringify(await runChecks(plan)));
