import { defineConfig } from 'vitest/config';

// One workspace config: every package is a project, plus the repo-level tests of the
// specs and scripts. `pnpm test` runs them through turbo; `vitest` here runs them all.
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'examples',
      'examples/own-vendor',
      {
        test: {
          name: 'repo',
          include: ['specs/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
