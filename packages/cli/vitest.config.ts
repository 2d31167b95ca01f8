import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    // The subprocess tests start the built bin (a Node process each, ~0.3 s) many times;
    // nothing here is timed.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
