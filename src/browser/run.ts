/**
 * `OutLayer.run(code, options)`: one execution in the page's Web Worker, returning the result
 * object of ../shared/ARCHITECTURE.md — the same bytes and `fuel_used` as `outlayer run`.
 */
import { OutlayerError } from '../errors.js';
import { normalizeOptions, type NormalizedOptions, type RunOptions } from '../sandbox/options.js';
import type { ExecutionResult } from '../sandbox/result.js';
import { WorkerExecutor } from './executor.js';
import { detectKind, type CodeKind } from './protocol.js';

export interface BrowserRunOptions extends Omit<RunOptions, 'preopens'> {
  /** 'wasm' or 'js'; detected from the bytes when absent (`\0asm` ⇒ wasm, else JS source). */
  kind?: CodeKind;
  /** JS: the exported function to call (default "execute"). */
  entry?: string;
}

let shared: WorkerExecutor | null = null;

/** The page's one reusable execution worker (started on first use). */
export function sharedExecutor(): WorkerExecutor {
  return (shared ??= new WorkerExecutor());
}

export function toBytes(code: Uint8Array | ArrayBuffer | string): Uint8Array {
  if (typeof code === 'string') return new TextEncoder().encode(code);
  if (code instanceof Uint8Array) return code;
  if (code instanceof ArrayBuffer) return new Uint8Array(code);
  throw new OutlayerError('usage', 'code must be a Uint8Array, an ArrayBuffer or a string of JS source');
}

/** Validates options the way the Node pool does (unknown keys rejected); preopens are Node-only. */
export function jobOptions(options: Record<string, unknown>): NormalizedOptions {
  if ('preopens' in options) throw new OutlayerError('usage', 'preopens are not available in the browser (there are no host directories)');
  return normalizeOptions(options as RunOptions);
}

/**
 * Runs WebAssembly (a WASI command) or a JS module in the Web Worker.
 *
 * @example
 * const r = await OutLayer.run(await (await fetch('hello.wasm')).arrayBuffer(), { maxInstructions: 1e8 });
 * console.log(r.output, r.fuel_used);
 */
export async function run(code: Uint8Array | ArrayBuffer | string, options: BrowserRunOptions = {}): Promise<ExecutionResult> {
  const bytes = toBytes(code);
  const { kind = detectKind(bytes), entry, ...rest } = options;
  if (kind !== 'wasm' && kind !== 'js') throw new OutlayerError('usage', `kind must be "wasm" or "js", got ${JSON.stringify(kind)}`);
  if (entry !== undefined && (typeof entry !== 'string' || kind !== 'js')) throw new OutlayerError('usage', 'entry is a string and applies to JS only');
  return sharedExecutor().run({ kind, code: bytes, options: jobOptions(rest), ...(entry !== undefined && { entry }) });
}
