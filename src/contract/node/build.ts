/**
 * Builds the OutLayer contract (src/contract/index.ts and what it imports) into the one ES
 * module the devnet deploys, with esbuild. The result is memoized per process; `outlayer dev`
 * and the tests deploy it with `deployOutlayerContract`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleContract } from '../../js/node/bundle.js';

let built: Promise<string> | null = null;

/** The contract's source entry (TypeScript; esbuild strips the types). */
export const CONTRACT_ENTRY = fileURLToPath(new URL('../index.ts', import.meta.url));

/** The prebuilt bundle next to the built CLI (dist/outlayer-contract.js, made by `npm run build`). */
const PREBUILT = new URL('./outlayer-contract.js', import.meta.url);

/** Bundles the contract (minified: every call parses the module again). */
export function bundleOutlayerContract(): Promise<string> {
  return bundleContract(CONTRACT_ENTRY, { minify: true });
}

/** The contract source (UTF-8 JS module text): the prebuilt bundle when there is one, else built from src. */
export function outlayerContractSource(): Promise<string> {
  built ??= readFile(PREBUILT, 'utf8').catch(() => bundleOutlayerContract());
  return built;
}
