/**
 * Test fixture, run as a child process: takes a lease and holds it, renewing it, until the
 * test kills the process (kill -9, a holder that dies without releasing).
 * Arguments: redis URL, store key, lease ttl in ms.
 */
import { createRedisStore } from './redis-store';

const [url = '', key = '', ttl = '1000'] = process.argv.slice(2);
const store = createRedisStore({ url });
await store.ready({ signal: AbortSignal.timeout(5_000) });
await store.coordination.lease(key, { ttlMs: Number(ttl), signal: AbortSignal.timeout(5_000) });
process.stdout.write('held\n');
// Stay alive (the lease's heartbeat does not keep the process up by itself).
setInterval(() => {}, 60_000);
