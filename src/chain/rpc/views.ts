/**
 * nearcore's JSON views of the devnet's blocks, chunks, receipts and transaction results
 * (core/primitives/src/views.rs), built from the store's records. One shard, one chunk per
 * block; the devnet's only block producer is `test.near`.
 */
import { actionView, signedTransactionView, type SignedTransactionView } from '../codec/views.js';
import { decodeSignedTransactionBase64 } from '../codec/transaction.js';
import type { StoredTransaction } from '../devnet.js';
import type { ActionReceipt, ExecutionOutcomeWithIdView, OutcomeStatus } from '../runtime/types.js';
import type { BlockHeader, ChainReader, ReceiptRecord, TransactionRecord } from '../store/types.js';
import { NO_CODE_HASH } from '../store/types.js';

export const CHAIN_ID = 'localnet';
export const PROTOCOL_VERSION = 73;
const AUTHOR = 'test.near';
const GAS_LIMIT = 1_000_000_000_000_000;

function chunkHeader(b: BlockHeader) {
  return {
    chunk_hash: b.chunkHash,
    prev_block_hash: b.prevHash,
    outcome_root: NO_CODE_HASH,
    prev_state_root: NO_CODE_HASH,
    encoded_merkle_root: NO_CODE_HASH,
    encoded_length: 0,
    height_created: Number(b.height),
    height_included: Number(b.height),
    shard_id: 0,
    gas_used: 0,
    gas_limit: GAS_LIMIT,
    balance_burnt: '0',
    outgoing_receipts_root: NO_CODE_HASH,
    tx_root: NO_CODE_HASH,
    validator_proposals: [],
    signature: `ed25519:${'1'.repeat(64)}`,
  };
}

export function blockView(b: BlockHeader) {
  return {
    author: AUTHOR,
    header: {
      height: Number(b.height),
      prev_height: b.height === 0n ? null : Number(b.height - 1n),
      epoch_id: NO_CODE_HASH,
      next_epoch_id: NO_CODE_HASH,
      hash: b.hash,
      prev_hash: b.prevHash,
      prev_state_root: NO_CODE_HASH,
      chunk_receipts_root: NO_CODE_HASH,
      chunk_headers_root: NO_CODE_HASH,
      chunk_tx_root: NO_CODE_HASH,
      outcome_root: NO_CODE_HASH,
      chunks_included: 1,
      challenges_root: NO_CODE_HASH,
      timestamp: Number(b.timestampNs),
      timestamp_nanosec: b.timestampNs.toString(),
      random_value: NO_CODE_HASH,
      validator_proposals: [],
      chunk_mask: [true],
      gas_price: b.gasPrice.toString(),
      block_ordinal: Number(b.height) + 1,
      rent_paid: '0',
      validator_reward: '0',
      total_supply: '0',
      challenges_result: [],
      last_final_block: b.hash,
      last_ds_final_block: b.hash,
      next_bp_hash: NO_CODE_HASH,
      block_merkle_root: NO_CODE_HASH,
      epoch_sync_data_hash: null,
      approvals: [],
      signature: `ed25519:${'1'.repeat(64)}`,
      latest_protocol_version: PROTOCOL_VERSION,
    },
    chunks: [chunkHeader(b)],
  };
}

export function receiptView(r: ReceiptRecord) {
  const body = r.body as ActionReceipt;
  return {
    predecessor_id: r.predecessorId,
    receiver_id: r.receiverId,
    receipt_id: r.receiptId,
    receipt: {
      Action: {
        signer_id: body.signerId,
        signer_public_key: body.signerPublicKey,
        gas_price: body.gasPrice.toString(),
        output_data_receivers: [],
        input_data_ids: [],
        actions: body.actions.map(actionView),
        is_promise_yield: false,
      },
    },
    priority: 0,
  };
}

export function transactionView(t: TransactionRecord): SignedTransactionView {
  const decoded = decodeSignedTransactionBase64((t.body as StoredTransaction).signedTxBase64);
  if (!decoded.ok) throw new Error(`stored transaction ${t.hash} does not decode`);
  return signedTransactionView(decoded.value);
}

export function chunkView(store: ChainReader, b: BlockHeader) {
  return {
    author: AUTHOR,
    header: chunkHeader(b),
    transactions: store.transactionsOfBlock(b.height).map(transactionView),
    receipts: store.receiptsOfBlock(b.height).map(receiptView),
  };
}

/**
 * `FinalExecutionOutcomeView`: the status follows the transaction's receipt chain to the
 * first outcome that is not `SuccessReceiptId`.
 */
export function finalOutcomeView(store: ChainReader, tx: TransactionRecord, withReceipts: boolean) {
  const outcomes = store.outcomesOfTransaction(tx.hash).map((o) => o.body as ExecutionOutcomeWithIdView);
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const txOutcome = byId.get(tx.hash);
  if (!txOutcome) throw new Error(`transaction ${tx.hash} has no outcome`);
  let status: OutcomeStatus | 'Started' = txOutcome.outcome.status;
  for (let i = 0; i < 64 && typeof status === 'object' && 'SuccessReceiptId' in status; i++) {
    const next = byId.get(status.SuccessReceiptId);
    status = next ? next.outcome.status : 'Started';
  }
  const receiptsOutcome = outcomes.filter((o) => o.id !== tx.hash);
  return {
    final_execution_status: 'FINAL',
    status,
    transaction: transactionView(tx),
    transaction_outcome: txOutcome,
    receipts_outcome: receiptsOutcome,
    ...(withReceipts
      ? { receipts: receiptsOutcome.map((o) => store.getReceipt(o.id)).flatMap((r) => (r ? [receiptView(r)] : [])) }
      : {}),
  };
}
