import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  platform: 'node',
  // `.js` / `.d.ts` like the other packages ("type": "module" makes them ESM).
  fixedExtension: false,
  dts: true,
  sourcemap: true,
  clean: true,
  // Under a loaded CI machine every plugin looks slow: the timing warning would only be noise.
  checks: { pluginTimings: false },
});
