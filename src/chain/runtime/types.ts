/**
 * Receipts and execution outcomes. Outcomes are kept in nearcore's JSON view shape
 * (`ExecutionOutcomeWithIdView`, core/primitives/src/views.rs) so the RPC returns them as stored.
 */
import type { Action } from '../codec/actions.js';
import type { TxExecutionError } from '../codec/tx-errors.js';

/** A receipt waiting for this one's result, at input position `slot`. */
export interface DataReceiver {
  readonly receiptId: string;
  readonly slot: number;
}

/**
 * An action receipt. Data receipts are not separate records: a result goes straight into the
 * waiting receipt's inputs (./promises.ts).
 */
export interface ActionReceipt {
  readonly receiptId: string;
  readonly txHash: string;
  readonly signerId: string;
  /** `ed25519:…` of the key that signed the transaction. */
  readonly signerPublicKey: string;
  readonly predecessorId: string;
  readonly receiverId: string;
  readonly gasPrice: bigint;
  readonly actions: readonly Action[];
  /** Receipts waiting for this one's result. */
  readonly outputTo?: readonly DataReceiver[];
  /** Created by `promise_yield_create`. */
  readonly isPromiseYield?: boolean;
}

export type OutcomeStatus = { SuccessValue: string } | { SuccessReceiptId: string } | { Failure: TxExecutionError };

export interface ExecutionOutcomeView {
  logs: string[];
  receipt_ids: string[];
  gas_burnt: number;
  tokens_burnt: string;
  executor_id: string;
  status: OutcomeStatus;
  metadata: { version: 1; gas_profile: null };
}

export interface ExecutionOutcomeWithIdView {
  proof: [];
  block_hash: string;
  id: string;
  outcome: ExecutionOutcomeView;
}

/** Where a receipt runs: the block's height, timestamp and a per-receipt random seed. */
export interface BlockContext {
  readonly height: bigint;
  readonly timestampNs: bigint;
  readonly gasPrice: bigint;
}

export function outcomeView(o: Omit<ExecutionOutcomeView, 'metadata' | 'gas_burnt' | 'tokens_burnt'> & { gasBurnt: bigint; gasPrice: bigint }): ExecutionOutcomeView {
  return {
    logs: o.logs,
    receipt_ids: o.receipt_ids,
    gas_burnt: Number(o.gasBurnt),
    tokens_burnt: (o.gasBurnt * o.gasPrice).toString(),
    executor_id: o.executor_id,
    status: o.status,
    metadata: { version: 1, gas_profile: null },
  };
}
