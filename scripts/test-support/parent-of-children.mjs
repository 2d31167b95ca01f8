// A parent process for children.test.ts. It starts children the way the main command does
// (the Prism mocks through startMocks, or with --stand-in one idle Node process registered
// with endWithThisProcess), handles signals with exitOnSignals, and serves one URL whose
// handler throws, as the docs server once did on a malformed URL. The test crashes it
// through that URL or signals it, then checks that the children are gone.
//   --stand-in          an idle Node child instead of the three Prism mocks
//   --hang-on-shutdown  the graceful shutdown never finishes
//   --grace-ms N        exitOnSignals' grace period
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { endWithThisProcess, exitOnSignals } from '../children.mjs';
import { startMocks } from '../mock.mjs';
import { freePort } from '../prism.mjs';

const argv = process.argv.slice(2);
const graceAt = argv.indexOf('--grace-ms');

let stopChildren;
if (argv.includes('--stand-in')) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], {
    stdio: 'ignore',
  });
  const forget = endWithThisProcess(() => child.kill('SIGTERM'));
  stopChildren = async () => {
    await new Promise((done) => {
      child.once('exit', done);
      child.kill('SIGTERM');
    });
    forget();
  };
} else {
  const ports = { cloudlx: await freePort(), cloudcx: await freePort(), sensu: await freePort() };
  const mocks = await startMocks({ ports });
  stopChildren = () => mocks.close();
}

exitOnSignals(
  async (signal) => {
    console.log(`shutting down after ${signal}`);
    if (argv.includes('--hang-on-shutdown')) await new Promise(() => {});
    await stopChildren();
    return 0;
  },
  graceAt >= 0 ? { graceMs: Number(argv[graceAt + 1]) } : {},
);

const server = createServer(() => {
  throw new URIError('URI malformed');
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ ready: true, crashUrl: `http://127.0.0.1:${port}/crash` }));
});
