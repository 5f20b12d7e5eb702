/**
 * Transaction validation and conversion to a receipt (nearcore `verify_and_charge_transaction`):
 * signature, signer and key, nonce, function-call key permissions and allowance, balance for
 * deposits plus all fees and prepaid gas at the block's gas price. A refused transaction is an
 * `InvalidTxError` (the RPC's INVALID_TRANSACTION) and changes nothing.
 *
 * @example
 * const r = applyTransaction(overlay, signed, block);
 * if (!r.ok) return invalidTransactionError(r.error);
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { UNSUPPORTED_ACTION_TYPES } from '../codec/actions.js';
import { base58Encode } from '../codec/encoding.js';
import { publicKeyToString } from '../codec/keys.js';
import { err, ok, type Result } from '../codec/result.js';
import type { SignedTransaction } from '../codec/transaction.js';
import { verifyTransactionSignature } from '../codec/transaction.js';
import {
  accessKeyNotFound,
  actionsValidation,
  depositWithFunctionCall,
  invalidNonce,
  invalidSignature,
  methodNameMismatch,
  notEnoughAllowance,
  notEnoughBalance,
  receiverMismatch,
  requiresFullAccess,
  signerDoesNotExist,
  unsupportedProtocolFeature,
  type InvalidTxError,
} from '../codec/tx-errors.js';
import type { StateOverlay } from '../store/overlay.js';
import { MAX_PREPAID_GAS, prepaidGas, receiptFees, totalDeposit } from './fees.js';
import { outcomeView, type ActionReceipt, type BlockContext, type ExecutionOutcomeView } from './types.js';

/** A receipt id: sha256 of the parent id and an index (nearcore derives them similarly). */
export function receiptIdFor(parentId: string, index: number): string {
  return base58Encode(sha256(new TextEncoder().encode(`${parentId}/${index}`)));
}

export interface ConvertedTransaction {
  receipt: ActionReceipt;
  outcome: ExecutionOutcomeView;
}

/**
 * Validates `signed` against `state` and, when valid, charges the signer and returns its receipt.
 * `signatureVerified` skips the signature check for a transaction already checked.
 */
export function applyTransaction(
  state: StateOverlay,
  signed: SignedTransaction,
  block: BlockContext,
  options: { signatureVerified?: boolean } = {},
): Result<ConvertedTransaction, InvalidTxError> {
  const tx = signed.transaction;
  const unsupported = tx.actions.find((a) => UNSUPPORTED_ACTION_TYPES.has(a.type));
  if (unsupported) return err(unsupportedProtocolFeature(unsupported.type, 0));
  // The signature covers the hash, so a transaction checked once (at submission) stays valid.
  if (!options.signatureVerified && !verifyTransactionSignature(signed)) return err(invalidSignature());
  const signer = state.getAccount(tx.signerId);
  if (!signer) return err(signerDoesNotExist(tx.signerId));
  const pk = publicKeyToString(tx.publicKey);
  const key = state.getAccessKey(tx.signerId, pk);
  if (!key) return err(accessKeyNotFound(tx.signerId, pk));
  if (tx.nonce <= key.nonce) return err(invalidNonce(tx.nonce, key.nonce));

  const gas = prepaidGas(tx.actions);
  if (gas > MAX_PREPAID_GAS) return err(actionsValidation({ TotalPrepaidGasExceeded: { total_prepaid_gas: Number(gas), limit: Number(MAX_PREPAID_GAS) } }));
  const fees = receiptFees(tx.actions);
  const gasCost = (fees.send + fees.exec + gas) * block.gasPrice;
  const cost = gasCost + totalDeposit(tx.actions);

  let permission = key.permission;
  if (permission.kind === 'FunctionCall') {
    const fc = tx.actions[0];
    if (tx.actions.length !== 1 || fc?.type !== 'FunctionCall') return err(requiresFullAccess());
    if (fc.deposit > 0n) return err(depositWithFunctionCall());
    if (tx.receiverId !== permission.receiverId) return err(receiverMismatch(tx.receiverId, permission.receiverId));
    if (permission.methodNames.length > 0 && !permission.methodNames.includes(fc.methodName)) return err(methodNameMismatch(fc.methodName));
    if (permission.allowance !== null) {
      if (permission.allowance < gasCost) return err(notEnoughAllowance(tx.signerId, pk, permission.allowance, gasCost));
      permission = { ...permission, allowance: permission.allowance - gasCost };
    }
  }
  if (signer.amount < cost) return err(notEnoughBalance(tx.signerId, signer.amount, cost));

  state.setAccessKey(tx.signerId, pk, { nonce: tx.nonce, permission });
  state.setAccount(tx.signerId, { ...signer, amount: signer.amount - cost });
  const receipt: ActionReceipt = {
    receiptId: receiptIdFor(signed.hash, 0),
    txHash: signed.hash,
    signerId: tx.signerId,
    signerPublicKey: pk,
    predecessorId: tx.signerId,
    receiverId: tx.receiverId,
    gasPrice: block.gasPrice,
    actions: tx.actions,
  };
  const outcome = outcomeView({
    logs: [],
    receipt_ids: [receipt.receiptId],
    gasBurnt: fees.send,
    gasPrice: block.gasPrice,
    executor_id: tx.signerId,
    status: { SuccessReceiptId: receipt.receiptId },
  });
  return ok({ receipt, outcome });
}
