/**
 * What one JS execution sees of the host: its NEAR context, storage, input, and what it
 * leaves behind (logs, return value, promises, an abort). Created per execution by the caller;
 * the host functions read it through `HostState.current`.
 */
import type { ResultErrorKind } from '../../errors.js';

export interface NearContext {
  currentAccountId: string;
  signerAccountId: string;
  predecessorAccountId: string;
  blockTimestampNs: bigint;
  blockHeight: bigint;
  attachedDeposit: bigint;
  /** 32 bytes. */
  randomSeed: Uint8Array;
  /** The account's balance during the call (the attached deposit included, as in nearcore). */
  accountBalance: bigint;
  /** The account's storage usage in bytes when the call started. */
  storageUsage: bigint;
}

/** An access key's permission as a JS contract adds it (`allowance` null: unlimited). */
export type JsKeyPermission = { kind: 'FullAccess' } | { kind: 'FunctionCall'; allowance: bigint | null; receiverId: string; methodNames: string[] };

/**
 * An action of a promise's receipt (the subset JS contracts can create). Public keys are NEAR
 * key strings (`ed25519:…`), checked for shape here and decoded by the chain.
 */
export type JsPromiseAction =
  | { type: 'FunctionCall'; methodName: string; args: Uint8Array; amount: bigint; gas: bigint; gasWeight: bigint }
  | { type: 'Transfer'; amount: bigint }
  | { type: 'CreateAccount' }
  | { type: 'DeployContract'; code: Uint8Array }
  | { type: 'AddKey'; publicKey: string; nonce: bigint; permission: JsKeyPermission }
  | { type: 'DeleteKey'; publicKey: string }
  | { type: 'DeleteAccount'; beneficiaryId: string };

/**
 * A promise the guest created (its index is its position in `promises`), in nearcore's shape:
 * `receipt` is a new receipt (promiseCreate/Then, promiseBatchCreate/Then, promiseYieldCreate)
 * to `accountId` with `actions`; `and` (promiseAnd) makes no receipt and only joins.
 */
export interface PromiseRecord {
  kind: 'receipt' | 'and';
  /** The receiver ('' for `and`). */
  accountId: string;
  /** Indices of `receipt` promises whose results this one waits for, in order (joins flattened). */
  dependsOn: number[];
  actions: JsPromiseAction[];
  /** promiseYieldCreate: the 32-byte data id promiseYieldResume (or the chain's timeout) supplies. */
  yieldDataId: Uint8Array | null;
}

/** An accepted promiseYieldResume. */
export interface YieldResumeRecord {
  dataId: Uint8Array;
  payload: Uint8Array;
}

/**
 * Contract storage keyed by the key's bytes as a latin1 string (1 char per byte: fast and
 * exact). A `Map` is one; the devnet passes a lazy view that reads its state store on demand and
 * records writes (src/chain/runtime/lazy-storage.ts), so a call costs what it touches, not the
 * size of the contract's state.
 */
export interface Storage {
  get(key: string): Uint8Array | undefined;
  has(key: string): boolean;
  set(key: string, value: Uint8Array): unknown;
  delete(key: string): boolean;
}

export interface ExecutionState {
  context: NearContext;
  storage: Storage;
  /** The raw input (what near.input() returns). */
  input: string;
  logs: string[];
  logBytes: number;
  maxLogBytes: number;
  returned: Uint8Array | null;
  promises: PromiseRecord[];
  returnedPromise: number | null;
  /** Yields created so far (the counter in their data ids). */
  yieldsCreated: number;
  /** promiseYieldResume calls that were accepted. */
  yieldResumes: YieldResumeRecord[];
  /** Whether a yield with this data id waits on the current account (the chain answers; true outside one). */
  isYieldPending: (dataId: Uint8Array) => boolean;
  /** For a callback: the results of the promises it waits for (bytes, or null when one failed). */
  promiseResults: ReadonlyArray<Uint8Array | null>;
  /** Set when the host stops the guest (panic, log cap): the guest is interrupted uncatchably. */
  abort: { kind: Exclude<ResultErrorKind, 'exit'>; message: string } | null;
}

export function newExecutionState(init: {
  context: NearContext;
  storage?: Storage;
  input?: string;
  maxLogBytes: number;
  promiseResults?: ReadonlyArray<Uint8Array | null>;
  isYieldPending?: (dataId: Uint8Array) => boolean;
}): ExecutionState {
  return {
    context: init.context,
    storage: init.storage ?? new Map(),
    input: init.input ?? '',
    logs: [],
    logBytes: 0,
    maxLogBytes: init.maxLogBytes,
    returned: null,
    promises: [],
    returnedPromise: null,
    yieldsCreated: 0,
    yieldResumes: [],
    isYieldPending: init.isYieldPending ?? (() => true),
    promiseResults: init.promiseResults ?? [],
    abort: null,
  };
}

export function bytesToKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

export function keyToBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

export const DEFAULT_CONTEXT: NearContext = {
  currentAccountId: 'contract.test.near',
  signerAccountId: 'caller.test.near',
  predecessorAccountId: 'caller.test.near',
  blockTimestampNs: 0n,
  blockHeight: 0n,
  attachedDeposit: 0n,
  randomSeed: new Uint8Array(32),
  accountBalance: 0n,
  storageUsage: 0n,
};
