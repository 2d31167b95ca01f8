import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'neutral',
  dts: true,
  sourcemap: true,
  clean: true,
  // Under a loaded CI machine every plugin looks slow: the timing warning would only be noise.
  checks: { pluginTimings: false },
});
