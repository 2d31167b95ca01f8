import { defineConfig } from 'tsdown';

const common = {
  format: ['esm'],
  // Node only: the token cache lives in files, and the servers are Node HTTP servers.
  platform: 'node',
  // `.js` / `.d.ts` like the other packages ("type": "module" makes them ESM).
  fixedExtension: false,
  sourcemap: true,
  // scripts/prepare-build.mjs empties dist/ first: the two builds below run side by side.
  clean: false,
} as const;

export default defineConfig([
  // The library entry: FileTokenStore, which needs only the store contract's types.
  { ...common, entry: ['src/index.ts'], dts: true },
  // The bin bundles the vendor clients and their auth layer: it runs with plain `node`
  // both from the tarball and from a checkout, where the workspace packages' exports point
  // at their TypeScript sources; and one `npm i @tokenwire/cli` is all a user installs.
  {
    ...common,
    entry: ['src/cli.ts'],
    dts: false,
    // A map of the bundled clients would triple the tarball for little: --debug traces
    // already name the functions.
    sourcemap: false,
    deps: {
      alwaysBundle: [/^@tokenwire\/(auth-middleware|cloudlx|cloudcx|sensu)(\/|$)/],
      onlyBundle: ['openapi-fetch'],
    },
  },
]);
