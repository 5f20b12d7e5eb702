/**
 * Runs one contract method: WASM code (starting with `\0asm`) through `runWasmContract`, any
 * other code as the UTF-8 source of a JS module through `JsRuntime` (the call's JSON args as
 * the first parameter, the awaited return value JSON-stringified, or `near.valueReturn`'s
 * bytes). Guest failures come back as nearcore `FunctionCallError`s, never as exceptions.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { JsRuntime } from '../../js/runtime.js';
import type { JsPromiseAction } from '../../js/host/state.js';
import { normalizeOptions } from '../../sandbox/options.js';
import type { ModulePreparer } from '../../sandbox/prepare.js';
import type { Action } from '../codec/actions.js';
import { base58Decode, base58Encode } from '../codec/encoding.js';
import { parsePublicKey, type PublicKey } from '../codec/keys.js';
import { executionError, gasExceeded, guestPanic, methodNotFound, prepareError, type FunctionCallError } from '../codec/tx-errors.js';
import { LIMITS } from '../wasm/costs.js';
import { executionErrorText } from '../wasm/errors.js';
import { prepareContract, runWasmContract } from '../wasm/run.js';
import type { PromiseResult, YieldResume } from '../wasm/types.js';
import { JS_GAS_PER_FUEL } from './fees.js';
import type { LazyStorage } from './lazy-storage.js';
import { fromWasmPromises, type CreatedPromise } from './promises.js';

export const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;

export function isWasm(code: Uint8Array): boolean {
  return WASM_MAGIC.every((b, i) => code[i] === b);
}

/** base58 sha256 of the code, the account's `code_hash`. */
export const codeHash = (code: Uint8Array): string => base58Encode(sha256(code));

export interface ContractCall {
  accountId: string;
  code: Uint8Array;
  /** The account's `code_hash` (base58 sha256 of `code`), so the compiled-module cache is hit without re-hashing the code. */
  codeHash?: string;
  method: string;
  args: Uint8Array;
  signerId: string;
  signerPublicKey: string;
  predecessorId: string;
  deposit: bigint;
  gas: bigint;
  blockHeight: bigint;
  blockTimestampNs: bigint;
  randomSeed: Uint8Array;
  /** The account's storage, read on demand; a JS call writes into it (see `LazyStorage`). */
  storage: LazyStorage;
  accountBalance: bigint;
  storageUsage: bigint;
  isView: boolean;
  /** Results of the receipts this call is a callback of (WASM `promise_result`). */
  promiseResults?: readonly PromiseResult[];
  isYieldPending?: (dataId: Uint8Array) => boolean;
}

export interface ContractOutcome {
  error: FunctionCallError | null;
  returnValue: Uint8Array | null;
  logs: string[];
  gasBurnt: bigint;
  /** Keys written (value) or removed (null); empty on failure. */
  storageChanges: Map<string, Uint8Array | null>;
  storageUsage: bigint;
  /** Burnt gas plus gas attached to promises (what the prepaid gas is charged). */
  gasUsed: bigint;
  /** The account balance after the call: + attached deposit − deposits sent with promises. */
  balance: bigint;
  promises: CreatedPromise[];
  returnPromise: number | null;
  yieldResumes: YieldResume[];
}

export interface ContractEngines {
  readonly js: JsRuntime;
  readonly preparer: ModulePreparer;
}

const decoder = new TextDecoder();

export async function runContract(engines: ContractEngines, call: ContractCall): Promise<ContractOutcome> {
  return isWasm(call.code) ? runWasm(engines, call) : runJsContract(engines, call);
}

const hexOfHash = new Map<string, string>();
/** The hex form the module preparer keys its cache by, of a base58 code hash (memoized). */
function hexOfCodeHash(hash: string): string | undefined {
  let hex = hexOfHash.get(hash);
  if (hex === undefined) {
    const bytes = base58Decode(hash);
    if (!bytes || bytes.length !== 32) return undefined;
    hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    if (hexOfHash.size >= 1024) hexOfHash.clear();
    hexOfHash.set(hash, hex);
  }
  return hex;
}

async function runWasm(engines: ContractEngines, call: ContractCall): Promise<ContractOutcome> {
  const failed = (error: FunctionCallError, extra: Partial<ContractOutcome> = {}): ContractOutcome => ({
    error,
    returnValue: null,
    logs: [],
    gasBurnt: 0n,
    storageChanges: new Map(),
    storageUsage: call.storageUsage,
    gasUsed: 0n,
    balance: call.accountBalance,
    promises: [],
    returnPromise: null,
    yieldResumes: [],
    ...extra,
  });
  const prepared = await prepareContract(engines.preparer, call.code, call.codeHash === undefined ? undefined : hexOfCodeHash(call.codeHash));
  if (!prepared.ok) return failed(prepareError('Deserialization'));
  const pk = parsePublicKey(call.signerPublicKey);
  const r = runWasmContract(prepared.contract, {
    method: call.method,
    input: call.args,
    storage: call.storage,
    ...(call.promiseResults ? { promiseResults: call.promiseResults } : {}),
    ...(call.isYieldPending ? { isYieldPending: call.isYieldPending } : {}),
    context: {
      currentAccountId: call.accountId,
      signerAccountId: call.signerId,
      ...(pk.ok ? { signerPublicKey: pk.value } : {}),
      predecessorAccountId: call.predecessorId,
      blockIndex: call.blockHeight,
      blockTimestampNs: call.blockTimestampNs,
      attachedDeposit: call.deposit,
      prepaidGas: call.gas,
      randomSeed: call.randomSeed,
      accountBalance: call.accountBalance,
      storageUsage: call.storageUsage,
      isView: call.isView,
    },
  });
  if (r.error) {
    const e = r.error;
    const fc = e.kind === 'MethodNotFound' ? methodNotFound() : e.kind === 'InvalidModule' ? prepareError('Deserialization') : executionError(executionErrorText(e) ?? e.message);
    return failed(fc, { logs: r.logs, gasBurnt: r.gasBurnt, gasUsed: r.gasBurnt });
  }
  return {
    error: null,
    returnValue: r.returnValue,
    logs: r.logs,
    gasBurnt: r.gasBurnt,
    gasUsed: r.gasUsed,
    storageChanges: r.storageChanges,
    storageUsage: r.storageUsage,
    balance: r.balance,
    promises: fromWasmPromises(r.promises),
    returnPromise: r.returnPromise,
    yieldResumes: r.yieldResumes,
  };
}

async function runJsContract(engines: ContractEngines, call: ContractCall): Promise<ContractOutcome> {
  const maxInstructions = call.gas / JS_GAS_PER_FUEL;
  const result = await engines.js.run(
    decoder.decode(call.code),
    normalizeOptions({ input: call.args, maxInstructions: maxInstructions < 1n ? 1n : maxInstructions, blockTimestampNs: call.blockTimestampNs, seed: base58Encode(call.randomSeed) }),
    {
      entry: call.method,
      input: 'contract',
      promiseResults: (call.promiseResults ?? []).map((r) => (r.status === 'successful' ? r.value : null)),
      storage: call.storage,
      ...(call.isYieldPending ? { isYieldPending: call.isYieldPending } : {}),
      context: {
        currentAccountId: call.accountId,
        signerAccountId: call.signerId,
        predecessorAccountId: call.predecessorId,
        blockHeight: call.blockHeight,
        blockTimestampNs: call.blockTimestampNs,
        attachedDeposit: call.deposit,
        randomSeed: call.randomSeed,
        accountBalance: call.accountBalance + call.deposit,
        storageUsage: call.storageUsage,
      },
    },
  );
  const gasBurnt = BigInt(result.fuel_used) * JS_GAS_PER_FUEL;
  const burnt = gasBurnt > call.gas ? call.gas : gasBurnt;
  const base = { logs: result.logs, gasBurnt: burnt };
  const unchanged = { storageChanges: new Map(), storageUsage: call.storageUsage, gasUsed: burnt, balance: call.accountBalance, promises: [], returnPromise: null, yieldResumes: [] };
  if (result.status === 'error' || result.error) {
    const e = result.error ?? { kind: 'trap', message: 'failed' };
    const fc =
      e.kind === 'out_of_fuel'
        ? gasExceeded()
        : e.kind === 'invalid_module' && e.message.includes('does not export')
          ? methodNotFound()
          : guestPanic(e.message.replace(/^Panic: /, ''));
    return { ...base, ...unchanged, error: fc, returnValue: null };
  }
  // near.promise* as receipts, in the shape WASM promises take (joins flattened into dependsOn).
  const records = result.state.promises;
  let sent = 0n;
  let attached = 0n;
  let totalWeight = 0n;
  for (const p of records) {
    for (const a of p.actions) {
      if (a.type === 'Transfer') sent += a.amount;
      if (a.type === 'FunctionCall') {
        sent += a.amount;
        attached += a.gas;
        totalWeight += a.gasWeight;
      }
    }
  }
  // Gas weights (nearcore's distribution of unused gas): each weighted function call gets
  // unused × weight / total, the last one the remainder.
  const extraGas = new Map<object, bigint>();
  const unused = call.gas - burnt - attached;
  if (unused > 0n && totalWeight > 0n) {
    let given = 0n;
    let last: object | null = null;
    for (const p of records) {
      for (const a of p.actions) {
        if (a.type !== 'FunctionCall' || a.gasWeight === 0n) continue;
        const share = (unused * a.gasWeight) / totalWeight;
        extraGas.set(a, share);
        given += share;
        last = a;
      }
    }
    if (last) extraGas.set(last, extraGas.get(last)! + unused - given);
    attached += unused;
  }
  // The same Action records WASM promises make (src/chain/wasm/host-promises.ts).
  const badKeys: string[] = [];
  const key = (text: string): PublicKey => {
    const k = parsePublicKey(text);
    if (k.ok) return k.value;
    badKeys.push(text);
    return { keyType: 'ed25519', data: new Uint8Array(32) };
  };
  const toAction = (a: JsPromiseAction): Action => {
    switch (a.type) {
      case 'FunctionCall':
        return { type: 'FunctionCall', methodName: a.methodName, args: a.args, gas: a.gas + (extraGas.get(a) ?? 0n), deposit: a.amount };
      case 'Transfer':
        return { type: 'Transfer', deposit: a.amount };
      case 'CreateAccount':
        return { type: 'CreateAccount' };
      case 'DeployContract':
        return { type: 'DeployContract', code: a.code };
      case 'AddKey':
        return { type: 'AddKey', publicKey: key(a.publicKey), accessKey: { nonce: a.nonce, permission: a.permission } };
      case 'DeleteKey':
        return { type: 'DeleteKey', publicKey: key(a.publicKey) };
      case 'DeleteAccount':
        return { type: 'DeleteAccount', beneficiaryId: a.beneficiaryId };
    }
  };
  const promises: CreatedPromise[] = records.map((p) => ({
    receiverId: p.accountId,
    dependsOn: p.dependsOn,
    actions: p.actions.map(toAction),
    yieldDataId: p.yieldDataId,
    isJoin: p.kind === 'and',
  }));
  if (badKeys.length > 0) return { ...base, ...unchanged, error: executionError(`VM Logic provided an invalid public key: ${badKeys[0]}`), returnValue: null };
  if (burnt + attached > call.gas) return { ...base, ...unchanged, error: gasExceeded(), returnValue: null };
  if (sent > call.accountBalance + call.deposit) {
    return { ...base, ...unchanged, error: executionError(`LackBalance: the promises send ${sent} yoctoNEAR`), returnValue: null };
  }
  const changes = call.storage.effectiveChanges();
  let usage = call.storageUsage;
  for (const [k, v] of changes) {
    const before = call.storage.original(k);
    if (before) usage -= BigInt(k.length + before.length) + LIMITS.storage_num_extra_bytes_record;
    if (v) usage += BigInt(k.length + v.length) + LIMITS.storage_num_extra_bytes_record;
  }
  const returnValue = result.state.returned ?? (result.output === '' ? new Uint8Array(0) : new TextEncoder().encode(result.output));
  const returnPromise = call.isView ? null : result.state.returnedPromise;
  return {
    ...base,
    error: null,
    returnValue: returnPromise === null ? returnValue : null,
    storageChanges: changes,
    storageUsage: usage,
    gasUsed: burnt + attached,
    balance: call.accountBalance + call.deposit - sent,
    promises: call.isView ? [] : promises,
    returnPromise,
    yieldResumes: call.isView ? [] : result.state.yieldResumes,
  };
}
