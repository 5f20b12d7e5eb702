/**
 * The public shapes of a WASM contract call: what the chain passes in (`WasmCall`) and what it
 * gets back (`WasmCallResult`). Promise actions use the codec's `Action` shapes, so the chain
 * can turn them into receipts without translating.
 */
import type { Action } from '../codec/actions.js';
import type { PublicKey } from '../codec/keys.js';
/** What a WASM call reads its storage through (a `Map` or the chain's `LazyStorage`). */
export interface StorageReader {
  get(key: string): Uint8Array | undefined;
}
import type { WasmCallError } from './errors.js';

export interface WasmCallContext {
  currentAccountId: string;
  signerAccountId: string;
  /** The access key that signed the transaction; `signer_account_pk` gives its borsh bytes. Default: a zero ed25519 key. */
  signerPublicKey?: PublicKey;
  predecessorAccountId: string;
  blockIndex: bigint;
  blockTimestampNs: bigint;
  /** Default 0. */
  epochHeight?: bigint;
  attachedDeposit: bigint;
  prepaidGas: bigint;
  /** 32 bytes. Give each receipt its own: yield data ids are derived from it. */
  randomSeed: Uint8Array;
  /** The account's balance before the attached deposit is added (as nearcore's VMContext). */
  accountBalance: bigint;
  /** Default 0. */
  accountLockedBalance?: bigint;
  storageUsage: bigint;
  isView: boolean;
}

export type PromiseResult = { status: 'successful'; value: Uint8Array } | { status: 'failed' } | { status: 'notReady' };

export interface WasmCall {
  method: string;
  input: Uint8Array;
  context: WasmCallContext;
  /** Read only (writes are recorded in the result's `storageChanges`). Keys are the key bytes as latin1. */
  storage: StorageReader;
  /** Results of the promises this call is a callback of (`promise_results_count` / `promise_result`). */
  promiseResults?: readonly PromiseResult[];
  /** Default `DEFAULT_GAS_PER_FUEL` (nearcore's wasm_regular_op_cost, 822,756). */
  gasPerFuel?: bigint;
  /** Linear-memory cap in MiB; default 128 (nearcore's 2048 pages). */
  maxMemoryMb?: number;
  /**
   * Whether a yield with this data id is still waiting on the current account
   * (`promise_yield_resume` returns 1 only then). Default: every well-formed id is.
   */
  isYieldPending?: (dataId: Uint8Array) => boolean;
}

/** An action of a promise: the codec's shapes; FunctionCall also carries its gas weight. */
export type PromiseAction =
  | Exclude<Action, { type: 'FunctionCall' | 'Delegate' | 'DeployGlobalContract' | 'UseGlobalContract' }>
  | (Extract<Action, { type: 'FunctionCall' }> & { readonly gasWeight: bigint });

export interface ContractPromise {
  /** The index the guest got for it. */
  index: number;
  /** `receipt`: a new receipt (create/then/batch/yield); `and`: a join made by promise_and. */
  kind: 'receipt' | 'and';
  /** The receipt's receiver ('' for `and`). */
  receiverId: string;
  /**
   * Indices of `receipt` promises whose results this one waits for (promise_then / batch_then,
   * with joins flattened); for `and`, the receipts it joins.
   */
  dependsOn: number[];
  actions: PromiseAction[];
  /** promise_yield_create: the 32-byte data id that promise_yield_resume (or the timeout) supplies. */
  yieldDataId: Uint8Array | null;
}

export interface YieldResume {
  dataId: Uint8Array;
  payload: Uint8Array;
}

export interface WasmCallResult {
  status: 'ok' | 'panic' | 'error';
  /** value_return's bytes (null when nothing was returned, a promise was, or the call failed). */
  returnValue: Uint8Array | null;
  /** promise_return's index (null unless the call succeeded returning a promise). */
  returnPromise: number | null;
  /** Kept on failure too, as on NEAR. */
  logs: string[];
  /** fuelUsed × gasPerFuel + host-function gas (everything after GasExceeded not reserved for promises). */
  gasBurnt: bigint;
  /** gasBurnt + gas attached to promises + the execution half of their action fees. */
  gasUsed: bigint;
  /** Guest instructions (the L1 meter's fuel, host charges excluded). */
  fuelUsed: bigint;
  /** Keys written (value) or removed (null) by a successful call, for persisting a diff. */
  storageChanges: Map<string, Uint8Array | null>;
  /** storage_write and storage_remove calls that ran (informational; counted on failure too). */
  storageWrites: number;
  /** The account's storage usage after the call (bytes, nearcore's accounting). */
  storageUsage: bigint;
  /**
   * The account's balance after the call: balance + attached deposit − deposits sent with
   * promises; unchanged when the call failed (the deposit is refunded to the predecessor).
   */
  balance: bigint;
  /** Promises the call created (empty when it failed). */
  promises: ContractPromise[];
  /** promise_yield_resume calls that were accepted (empty when the call failed). */
  yieldResumes: YieldResume[];
  error: WasmCallError | null;
}
