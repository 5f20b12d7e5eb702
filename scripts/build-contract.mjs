// Bundles the OutLayer contract (src/contract/index.ts) into dist/outlayer-contract.js, which
// `outlayer dev` deploys (run by `npm run build` / `prepare`, after tsup).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: [`${root}src/contract/index.ts`],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  minify: true,
  outfile: `${root}dist/outlayer-contract.js`,
  logLevel: 'warning',
});
