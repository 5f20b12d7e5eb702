/**
 * Builds the OutLayer contract (src/contract/index.ts and what it imports) into the one ES
 * module the devnet deploys, with esbuild. The result is memoized per process; `outlayer dev`
 * and the tests deploy it with `deployOutlayerContract`.
 */
import { fileURLToPath } from 'node:url';
import { bundleContract } from '../../js/node/bundle.js';

let built: Promise<string> | null = null;

/** The contract's source entry (TypeScript; esbuild strips the types). */
export const CONTRACT_ENTRY = fileURLToPath(new URL('../index.ts', import.meta.url));

/** The bundled contract source (UTF-8 JS module text). */
export function outlayerContractSource(): Promise<string> {
  // Minified: every call parses the module again, and parsing is most of a view's cost.
  built ??= bundleContract(CONTRACT_ENTRY, { minify: true });
  return built;
}
