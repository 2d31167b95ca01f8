// The sandbox under load, in its own process so that the load generator does not share
// its event loop. Started by throughput.mjs; reports its URL over IPC.
import { startSandbox } from '../dist/index.js';

const sandbox = await startSandbox({ vendor: 'cloudlx', port: 0, host: '127.0.0.1' });
process.send?.({ url: sandbox.url, credentials: sandbox.credentials });
process.on('SIGTERM', () => {
  void sandbox.close().then(() => process.exit(0));
});
