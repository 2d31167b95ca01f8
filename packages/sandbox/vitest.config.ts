import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'sandbox',
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // The contract test starts Prism (a few seconds per spec); nothing here is timed.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
