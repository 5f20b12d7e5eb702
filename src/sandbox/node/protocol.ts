/** Messages between the pool (./pool.ts) and its threads (./pool-worker.ts). */
import type { HostErrorCode } from '../../errors.js';
import type { NearChanges } from '../near.js';
import type { NormalizedOptions } from '../options.js';
import type { ExecutionResult } from '../result.js';
import { decodeTree, encodeTree, type EncodedTree } from '../wasi/tree-codec.js';

/**
 * Options as they cross to a thread: preopened trees as plain data; the NEAR context (if any) is
 * structured-cloned (its storage must be a Map) and its changes come back in the response.
 */
export type WireOptions = Omit<NormalizedOptions, 'preopens'> & { preopens: { guestPath: string; tree: EncodedTree }[] };

/** 'sh': a shell script for the guest OS (L2), run only by the guest OS's pool (src/os/node/pool.ts). */
export type CodeKind = 'wasm' | 'js' | 'sh';

export interface WorkerRequest {
  id: number;
  kind: CodeKind;
  code: Uint8Array;
  options: WireOptions;
  /** JS only: the exported function to call. */
  entry?: string;
}

/** `\0asm` bytes are WebAssembly; anything else is treated as JS source. */
export function detectKind(code: Uint8Array): CodeKind {
  return code.length >= 4 && code[0] === 0 && code[1] === 0x61 && code[2] === 0x73 && code[3] === 0x6d ? 'wasm' : 'js';
}

export function toWire(options: NormalizedOptions): WireOptions {
  return { ...options, preopens: options.preopens.map((p) => ({ guestPath: p.guestPath, tree: encodeTree(p.root) })) };
}

export function fromWire(options: WireOptions): NormalizedOptions {
  return { ...options, preopens: options.preopens.map((p) => ({ guestPath: p.guestPath, root: decodeTree(p.tree) })) };
}

export type WorkerResponse =
  | { ready: true; id?: undefined }
  | { id: number; result: ExecutionResult; error?: undefined; near?: NearChanges }
  | { id: number; error: { code: HostErrorCode; message: string }; result?: undefined };
