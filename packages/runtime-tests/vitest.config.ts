import { defineProject } from 'vitest/config';

// Packs the built packages and installs them with npm: turbo builds them first (see
// turbo.json); the global setup installs once for every file.
export default defineProject({
  test: {
    name: 'runtime-tests',
    globalSetup: ['src/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
