import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'client-tests',
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
