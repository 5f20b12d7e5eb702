import { cpSync } from 'node:fs';
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
    // The dashboard's page, CSS and JS, read at startup from dist/dashboard/ (src/coordinator/dashboard/routes.ts).
    onSuccess: async () => cpSync('src/coordinator/dashboard/assets', 'dist/dashboard', { recursive: true }),
  },
  {
    // The CLI and the pool's thread entry: separate files next to each other in dist/.
    entry: { cli: 'src/cli/index.ts', 'pool-worker': 'src/sandbox/node/pool-worker.ts', 'js-worker': 'src/js/node/worker.ts', 'os-worker': 'src/os/node/thread.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: false,
    clean: false,
    splitting: true,
    noExternal: [/^@noble\//],
  },
  {
    // The browser page bundle: `<script src="outlayer.iife.js">` gives the global `OutLayer`
    // (docs/browser.md). Everything is bundled; the heavy parts live in the worker script.
    entry: { 'outlayer.iife': 'src/browser/index.ts' },
    format: ['iife'],
    globalName: 'OutLayer',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    clean: false,
    noExternal: [/.*/],
    outExtension: () => ({ js: '.js' }),
  },
  {
    // The Web Worker script: L1 sandbox, QuickJS glue (its wasm is dist/quickjs.wasm, fetched
    // lazily), signing. The glue's `import.meta.url` is never used to fetch (we instantiate it);
    // it is defined so that the IIFE has no import.meta.
    entry: { 'outlayer.worker': 'src/browser/worker-entry.ts' },
    format: ['iife'],
    platform: 'browser',
    target: 'es2020',
    // No syntax minification: the QuickJS glue's imports are recognised by their source text
    // (src/js/engine/deterministic-imports.ts), which rewriting `var`s and expressions would change.
    minify: false,
    sourcemap: false,
    clean: false,
    noExternal: [/.*/],
    outExtension: () => ({ js: '.js' }),
    esbuildOptions(options) {
      options.define = { ...options.define, 'import.meta.url': 'self.location.href' };
      options.minifyWhitespace = true;
      options.minifyIdentifiers = true;
    },
  },
]);
