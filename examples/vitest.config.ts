import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'examples',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // examples/own-vendor is a package of its own, with its own tests and config.
    exclude: [...configDefaults.exclude, 'own-vendor/**'],
  },
});
