import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'own-vendor', testTimeout: 60_000, hookTimeout: 60_000 },
});
