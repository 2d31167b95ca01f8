import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'redis-store',
    // Every file starts its own redis-server (well under a second); some tests wait for
    // a lease to expire or for node-redis to reconnect, a few seconds at most.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
