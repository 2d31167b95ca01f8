import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cloudcx',
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
