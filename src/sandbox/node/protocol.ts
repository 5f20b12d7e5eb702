/** Messages between the pool (./pool.ts) and its threads (./pool-worker.ts). */
import type { HostErrorCode } from '../../errors.js';
import type { NormalizedOptions } from '../options.js';
import type { ExecutionResult } from '../result.js';
import { decodeTree, encodeTree, type EncodedTree } from '../wasi/tree-codec.js';

/** Options as they cross to a thread: preopened trees as plain data. */
export type WireOptions = Omit<NormalizedOptions, 'preopens'> & { preopens: { guestPath: string; tree: EncodedTree }[] };

export interface WorkerRequest {
  id: number;
  code: Uint8Array;
  options: WireOptions;
}

export function toWire(options: NormalizedOptions): WireOptions {
  return { ...options, preopens: options.preopens.map((p) => ({ guestPath: p.guestPath, tree: encodeTree(p.root) })) };
}

export function fromWire(options: WireOptions): NormalizedOptions {
  return { ...options, preopens: options.preopens.map((p) => ({ guestPath: p.guestPath, root: decodeTree(p.tree) })) };
}

export type WorkerResponse =
  | { ready: true; id?: undefined }
  | { id: number; result: ExecutionResult; error?: undefined }
  | { id: number; error: { code: HostErrorCode; message: string }; result?: undefined };
