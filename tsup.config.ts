import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library (ESM + CJS + d.ts) for Node and bundlers.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    shims: true,
    target: 'node20',
    platform: 'node',
    sourcemap: false,
    clean: true,
    noExternal: [/^@noble\//],
  },
  {
    // The CLI and the pool's thread entry: separate files next to each other in dist/.
    entry: { cli: 'src/cli/index.ts', 'pool-worker': 'src/sandbox/node/pool-worker.ts', 'js-worker': 'src/js/node/worker.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: false,
    clean: false,
    splitting: true,
    noExternal: [/^@noble\//],
  },
]);
