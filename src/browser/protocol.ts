/**
 * Messages between the page (./executor.ts) and the Web Worker (./worker-entry.ts). Everything
 * here survives structured cloning (bigints and Uint8Arrays included), so options cross as they
 * are; the browser has no host directories, so `preopens` is always empty.
 */
import type { HostErrorCode } from '../errors.js';
import type { NearContext } from '../js/host/state.js';
import type { VfsImage, VfsSnapshot } from '../os/kernel/index.js';
import type { NormalizedOptions } from '../sandbox/options.js';
import type { ExecutionResult } from '../sandbox/result.js';
import type { Attestation, ContractResponse, ResponseFormat } from '../sdk/types.js';

export type CodeKind = 'wasm' | 'js';

/** What the worker needs before its first job. */
export interface InitMessage {
  init: {
    /** Absolute URL of quickjs.wasm, fetched on the first JS job. */
    wasmUrl: string;
    /** The page's ed25519 secret key (32 bytes) when the worker signs results. */
    secretKey?: Uint8Array;
  };
}

/** A JS contract call (ContractSimulator): the method gets the parsed args, `near` sees `context`. */
export interface ContractCall {
  context: Partial<NearContext>;
  /** Storage before the call, keyed by the key's bytes as latin1 (../js/host/state.ts). */
  storage: Map<string, Uint8Array>;
}

/** A job the worker signs (BrowserWorker): the code must hash to `sha256`. */
export interface SignedJob {
  sha256: string;
  contractId: string;
  requestId: number;
  input: string;
  format: ResponseFormat;
}

/** A shell script in a fresh guest OS (OutLayer.sh): `code` is the script, `options.input` its stdin. */
export interface ShellJob {
  /** The filesystem to mount (a snapshot, or `{ path: content }`). */
  image?: VfsImage;
  /** Send the filesystem back after the run (a content-addressed snapshot). */
  keepState?: boolean;
}

export interface JobMessage {
  id: number;
  kind: CodeKind | 'sh';
  shell?: ShellJob;
  code: Uint8Array;
  options: NormalizedOptions;
  /** JS: the exported function to call. */
  entry?: string;
  contract?: ContractCall;
  sign?: SignedJob;
}

export interface JobOutcome {
  result: ExecutionResult;
  /** Contract calls: storage after the call. */
  storage?: Map<string, Uint8Array>;
  /** Shell jobs with keepState: the filesystem after the run. */
  snapshot?: VfsSnapshot;
  /** Signed jobs. */
  response?: ContractResponse;
  attestation?: Attestation;
}

export type WorkerReply =
  | { ready: true; publicKey: string | null; id?: undefined }
  | ({ id: number; error?: undefined } & JobOutcome)
  | { id: number; error: { code: HostErrorCode | 'artifact_mismatch'; message: string } };

/** `\0asm` bytes are WebAssembly; anything else is treated as JS source. */
export function detectKind(code: Uint8Array): CodeKind {
  return code.length >= 4 && code[0] === 0 && code[1] === 0x61 && code[2] === 0x73 && code[3] === 0x6d ? 'wasm' : 'js';
}
