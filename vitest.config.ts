import { defineConfig } from 'vitest/config';

// One workspace config: every package is a project, plus the repo-level tests of the
// specs and scripts. `pnpm test` runs them through turbo; `vitest` here runs them all.
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'examples',
      {
        test: {
          name: 'repo',
          include: ['specs/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['scripts/consumer.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Packs the built packages and installs them with npm: run after `pnpm build`.
        test: {
          name: 'consumer',
          include: ['scripts/consumer.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
