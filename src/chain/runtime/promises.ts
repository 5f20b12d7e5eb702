/**
 * Promises as receipts. A contract's promises become `ActionReceipt`s that wait in the store's
 * postponed-receipt table (so they survive a restart) and run in a LATER block once every
 * input they wait for has arrived: the results of the receipts they depend on
 * (`promise_then`/`promise_and`), or a yield's payload (`promise_yield_resume`, or a failed
 * result after `YIELD_TIMEOUT_BLOCKS`, as nearcore does). A receipt that returns a promise
 * passes its waiting receivers on to the returned receipt, so a callback gets the final value.
 */
import { base58Encode } from '../codec/encoding.js';
import type { Action } from '../codec/actions.js';
import type { StateOverlay } from '../store/overlay.js';
import type { StateReader } from '../store/types.js';
import type { ContractPromise, PromiseResult, YieldResume } from '../wasm/types.js';
import { receiptIdFor } from './transaction.js';
import type { ActionReceipt, DataReceiver } from './types.js';

/** nearcore's `yield_timeout_length_in_blocks`. */
export const YIELD_TIMEOUT_BLOCKS = 200n;

/** The payload of a postponed receipt: the receipt and its inputs (null until they arrive). */
export interface PostponedPayload {
  receipt: ActionReceipt;
  results: Array<PromiseResult | null>;
}

/** The payload of a pending yield: where its resume payload goes. */
export interface YieldPayload {
  receiptId: string;
  slot: number;
}

/** The promises one contract call created, in the shape both runtimes can give. */
export interface CreatedPromise {
  receiverId: string;
  /** Indices of promises whose results it waits for, in order. */
  dependsOn: number[];
  actions: Action[];
  yieldDataId: Uint8Array | null;
  /** 'and' joins make no receipt; they only appear inside `dependsOn` (already flattened). */
  isJoin: boolean;
}

export function fromWasmPromises(promises: readonly ContractPromise[]): CreatedPromise[] {
  return promises.map((p) => ({
    receiverId: p.receiverId,
    dependsOn: p.dependsOn,
    actions: p.actions.map((a) => (a.type === 'FunctionCall' ? { type: 'FunctionCall', methodName: a.methodName, args: a.args, gas: a.gas, deposit: a.deposit } : a)) as Action[],
    yieldDataId: p.yieldDataId,
    isJoin: p.kind === 'and',
  }));
}

/**
 * Turns a successful call's promises into postponed receipts (and pending yields). Returns the
 * new receipt ids by promise index (null for joins).
 */
export function schedulePromises(
  block: StateOverlay,
  parent: ActionReceipt,
  actionIndex: number,
  promises: readonly CreatedPromise[],
  height: bigint,
): Array<string | null> {
  const ids = promises.map((p, i) => (p.isJoin ? null : receiptIdFor(parent.receiptId, actionIndex * 1024 + i + 1)));
  const outputs = new Map<number, DataReceiver[]>();
  promises.forEach((p, i) => {
    if (p.isJoin) return;
    p.dependsOn.forEach((dep, slot) => {
      const list = outputs.get(dep) ?? [];
      list.push({ receiptId: ids[i]!, slot });
      outputs.set(dep, list);
    });
  });
  promises.forEach((p, i) => {
    const id = ids[i];
    if (id === null || id === undefined) return;
    const inputs = p.dependsOn.length + (p.yieldDataId ? 1 : 0);
    const receipt: ActionReceipt = {
      receiptId: id,
      txHash: parent.txHash,
      signerId: parent.signerId,
      signerPublicKey: parent.signerPublicKey,
      predecessorId: parent.receiverId,
      receiverId: p.receiverId,
      gasPrice: parent.gasPrice,
      actions: p.actions,
      outputTo: outputs.get(i) ?? [],
      isPromiseYield: p.yieldDataId !== null,
    };
    block.setPostponed({ receiptId: id, accountId: p.receiverId, payload: { receipt, results: new Array(inputs).fill(null) } satisfies PostponedPayload });
    if (p.yieldDataId) {
      block.setYield({
        dataId: base58Encode(p.yieldDataId),
        accountId: parent.receiverId,
        timeoutHeight: height + YIELD_TIMEOUT_BLOCKS,
        payload: { receiptId: id, slot: p.dependsOn.length } satisfies YieldPayload,
      });
    }
  });
  return ids;
}

/** Hands a receipt's waiting receivers to the receipt it returned (`promise_return`). */
export function forwardOutputs(block: StateOverlay, to: string, receivers: readonly DataReceiver[]): void {
  if (receivers.length === 0) return;
  const entry = block.getPostponed(to);
  if (!entry) return;
  const payload = entry.payload as PostponedPayload;
  const receipt = { ...payload.receipt, outputTo: [...(payload.receipt.outputTo ?? []), ...receivers] };
  block.setPostponed({ ...entry, payload: { ...payload, receipt } });
}

/** Delivers a result to the receipts waiting for it. */
export function deliver(block: StateOverlay, receivers: readonly DataReceiver[], result: PromiseResult): void {
  for (const r of receivers) {
    const entry = block.getPostponed(r.receiptId);
    if (!entry) continue;
    const payload = entry.payload as PostponedPayload;
    const results = payload.results.slice();
    results[r.slot] = result;
    block.setPostponed({ ...entry, payload: { ...payload, results } });
  }
}

/** Applies accepted `promise_yield_resume` calls: the payload becomes the callback's input. */
export function resumeYields(block: StateOverlay, resumes: readonly YieldResume[]): void {
  for (const r of resumes) {
    const id = base58Encode(r.dataId);
    const y = block.getYield(id);
    if (!y) continue;
    block.deleteYield(id);
    deliver(block, [y.payload as YieldPayload], { status: 'successful', value: r.payload });
  }
}

/** Yields due at `height` time out: their callbacks get a failed result. */
export function timeOutYields(block: StateOverlay, height: bigint): void {
  for (const y of block.yieldsDueAt(height)) {
    block.deleteYield(y.dataId);
    deliver(block, [y.payload as YieldPayload], { status: 'failed' });
  }
}

/** Postponed receipts whose inputs have all arrived, in receipt-id order. */
export function readyReceipts(state: StateReader): PostponedPayload[] {
  return state
    .listPostponed()
    .map((p) => p.payload as PostponedPayload)
    .filter((p) => p.results.every((r) => r !== null));
}

/** Whether a yield with this data id is waiting on `accountId` (for `promise_yield_resume`). */
export function isYieldPendingFor(state: StateReader, accountId: string, dataId: Uint8Array): boolean {
  return state.getYield(base58Encode(dataId))?.accountId === accountId;
}
