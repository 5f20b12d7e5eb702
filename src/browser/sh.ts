/**
 * `OutLayer.sh(script, options)`: one shell script in a fresh guest OS (L2) in the page's Web
 * Worker — the kernel, sh, the userland and `qjs`, the same output and `fuel_used` as
 * `outlayer sh -c` in Node. The filesystem can be mounted from a snapshot and handed back, so a
 * page can keep a tenant's files between runs (in IndexedDB, say).
 *
 * @example
 * const { result } = await OutLayer.sh("seq 1 100 | awk '{s+=$1} END {print s}'");
 * result.output; // "5050\n"
 */
import { OutlayerError } from '../errors.js';
import type { VfsImage, VfsSnapshot } from '../os/kernel/index.js';
import type { ExecutionResult } from '../sandbox/result.js';
import { jobOptions, sharedExecutor } from './run.js';

export interface BrowserShellOptions {
  /** The script's stdin. */
  stdin?: string | Uint8Array;
  /** Fuel budget of the whole OS run (every process). Default 1,000,000,000. */
  maxInstructions?: number | bigint;
  maxOutputBytes?: number;
  /** Seeds Math.random in qjs processes. */
  seed?: string;
  /** Where the virtual clock starts (ns). */
  blockTimestampNs?: number | bigint | string;
  /** The filesystem to mount: a snapshot from an earlier run, or `{ path: content }`. */
  image?: VfsImage;
  /** Also return the filesystem after the run. */
  keepState?: boolean;
  /** Wall-clock backstop in ms (the worker is replaced when it passes). */
  timeoutMs?: number;
}

export interface BrowserShellResult {
  result: ExecutionResult;
  /** With keepState: the filesystem after the run (JSON-able; pass it back as `image`). */
  snapshot?: VfsSnapshot;
}

const KEYS = new Set(['stdin', 'maxInstructions', 'maxOutputBytes', 'seed', 'blockTimestampNs', 'image', 'keepState', 'timeoutMs']);

export async function sh(script: string, options: BrowserShellOptions = {}): Promise<BrowserShellResult> {
  if (typeof script !== 'string') throw new OutlayerError('usage', 'the script must be a string');
  if (!options || typeof options !== 'object') throw new OutlayerError('usage', 'options must be an object');
  for (const key of Object.keys(options)) if (!KEYS.has(key)) throw new OutlayerError('usage', `unknown option ${JSON.stringify(key)}`);
  const { stdin, image, keepState, blockTimestampNs, ...rest } = options;
  const normalized = jobOptions({
    ...rest,
    ...(stdin !== undefined && { input: stdin }),
    ...(blockTimestampNs !== undefined && { blockTimestampNs: BigInt(blockTimestampNs) }),
  });
  const outcome = await sharedExecutor().submit({
    kind: 'sh',
    code: new TextEncoder().encode(script),
    options: normalized,
    shell: { ...(image !== undefined && { image }), ...(keepState === true && { keepState: true }) },
  });
  return outcome.snapshot ? { result: outcome.result, snapshot: outcome.snapshot } : { result: outcome.result };
}
