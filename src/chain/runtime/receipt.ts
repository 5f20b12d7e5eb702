/**
 * Executes an action receipt on a child overlay of the block's state: every action in order;
 * the first failing action fails the receipt, whose overlay is then dropped (only its own
 * changes roll back, as on NEAR) and whose attached deposits go back to the predecessor.
 * Afterwards the signer gets back the prepaid gas that was not burnt.
 *
 * Promises the call creates become postponed receipts for later blocks (./promises.ts); the
 * receipt's own result goes to the receipts waiting for it.
 *
 * Simplifications (documented in docs/devnet.md): refunds are credited directly instead of
 * through refund receipts, and DeleteAccount credits the beneficiary directly.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { accountIdType, checkCreateAccount } from '../codec/account-id.js';
import type { Action } from '../codec/actions.js';
import { base64Encode } from '../codec/encoding.js';
import { publicKeyToString } from '../codec/keys.js';
import {
  accountAlreadyExists,
  accountDoesNotExist,
  actionLackBalanceForState,
  actionError,
  actorNoPermission,
  addKeyAlreadyExists,
  codeDoesNotExist,
  deleteKeyDoesNotExist,
  functionCallError,
  type ActionErrorKind,
} from '../codec/tx-errors.js';
import type { StateOverlay } from '../store/overlay.js';
import { NO_CODE_HASH, type Account } from '../store/types.js';
import { codeHash, runContract, type ContractEngines } from './contracts.js';
import { LazyStorage } from './lazy-storage.js';
import type { PromiseResult } from '../wasm/types.js';
import { prepaidGas, receiptFees, STORAGE_AMOUNT_PER_BYTE, totalDeposit } from './fees.js';
import { deliver, forwardOutputs, isYieldPendingFor, resumeYields, schedulePromises } from './promises.js';
import { outcomeView, type ActionReceipt, type BlockContext, type ExecutionOutcomeView } from './types.js';

/** nearcore's storage usage of a fresh account (`num_bytes_account`) plus one full-access key. */
export const ACCOUNT_BASE_STORAGE = 182n;
/** nearcore `AccessKey::ACCESS_KEY_NONCE_RANGE_MULTIPLIER`: a new implicit account's key nonce is `(height - 1) ×` this. */
export const ACCESS_KEY_NONCE_RANGE_MULTIPLIER = 1_000_000n;

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

class ActionFailure {
  constructor(readonly kind: ActionErrorKind) {}
}

export async function executeReceipt(
  block: StateOverlay,
  receipt: ActionReceipt,
  ctx: BlockContext,
  engines: ContractEngines,
  promiseResults: readonly PromiseResult[] = [],
): Promise<ExecutionOutcomeView> {
  const state = block.child();
  const fees = receiptFees(receipt.actions);
  let contractGas = 0n;
  let usedGas = 0n;
  const created: string[] = [];
  let returnedReceipt: string | null = null;
  const prepaid = prepaidGas(receipt.actions);
  const logs: string[] = [];
  let returnValue: Uint8Array = new Uint8Array(0);
  let createdAccount = false;
  const id = receipt.receiverId;

  const account = (): Account => {
    const a = state.getAccount(id);
    if (!a) throw new ActionFailure(accountDoesNotExist(id));
    return a;
  };
  const ownerOnly = (): void => {
    if (!createdAccount && receipt.predecessorId !== id) throw new ActionFailure(actorNoPermission(id, receipt.predecessorId));
  };

  /**
   * nearcore `action_implicit_account_creation_transfer`: a lone Transfer to a missing 64-hex
   * account creates it with one full-access key, the ed25519 public key whose hex is the id,
   * nonce `(height - 1) × 10^6` (nearcore's `ACCESS_KEY_NONCE_RANGE_MULTIPLIER`).
   */
  const createImplicitAccount = (): void => {
    const pk = publicKeyToString({ keyType: 'ed25519', data: hexToBytes(id) });
    state.setAccount(id, { amount: 0n, locked: 0n, codeHash: NO_CODE_HASH, storageUsage: ACCOUNT_BASE_STORAGE });
    state.setAccessKey(id, pk, { nonce: (ctx.height - 1n) * ACCESS_KEY_NONCE_RANGE_MULTIPLIER, permission: { kind: 'FullAccess' } });
  };

  let failure: { index: number; kind: ActionErrorKind } | null = null;
  for (const [index, action] of receipt.actions.entries()) {
    try {
      const used = await runAction(action, index);
      contractGas += used;
    } catch (e) {
      if (!(e instanceof ActionFailure)) throw e;
      failure = { index, kind: e.kind };
      break;
    }
  }

  async function runAction(action: Action, index: number): Promise<bigint> {
    switch (action.type) {
      case 'CreateAccount': {
        if (state.getAccount(id)) throw new ActionFailure(accountAlreadyExists(id));
        const denial = checkCreateAccount(id, receipt.predecessorId);
        if (denial) throw new ActionFailure(denial);
        state.setAccount(id, { amount: 0n, locked: 0n, codeHash: NO_CODE_HASH, storageUsage: 100n });
        createdAccount = true;
        return 0n;
      }
      case 'Transfer': {
        if (!state.getAccount(id) && receipt.actions.length === 1 && accountIdType(id) === 'near-implicit') createImplicitAccount();
        const a = account();
        state.setAccount(id, { ...a, amount: a.amount + action.deposit });
        return 0n;
      }
      case 'AddKey': {
        ownerOnly();
        const a = account();
        const pk = publicKeyToString(action.publicKey);
        if (state.getAccessKey(id, pk)) throw new ActionFailure(addKeyAlreadyExists(id, pk));
        state.setAccessKey(id, pk, action.accessKey);
        state.setAccount(id, { ...a, storageUsage: a.storageUsage + 82n });
        return 0n;
      }
      case 'DeleteKey': {
        ownerOnly();
        const a = account();
        const pk = publicKeyToString(action.publicKey);
        if (!state.getAccessKey(id, pk)) throw new ActionFailure(deleteKeyDoesNotExist(id, pk));
        state.deleteAccessKey(id, pk);
        state.setAccount(id, { ...a, storageUsage: a.storageUsage > 82n ? a.storageUsage - 82n : 0n });
        return 0n;
      }
      case 'DeployContract': {
        ownerOnly();
        const a = account();
        const old = state.getCode(id);
        state.setCode(id, action.code);
        const usage = a.storageUsage - BigInt(old?.length ?? 0) + BigInt(action.code.length);
        state.setAccount(id, { ...a, codeHash: codeHash(action.code), storageUsage: usage });
        return 0n;
      }
      case 'DeleteAccount': {
        ownerOnly();
        const a = account();
        const beneficiary = state.getAccount(action.beneficiaryId);
        state.deleteAccount(id);
        if (beneficiary && action.beneficiaryId !== id) state.setAccount(action.beneficiaryId, { ...beneficiary, amount: beneficiary.amount + a.amount });
        return 0n;
      }
      case 'FunctionCall': {
        const a = account();
        const code = state.getCode(id);
        if (!code) throw new ActionFailure(functionCallError(codeDoesNotExist(id)));
        const seed = sha256(new TextEncoder().encode(`${receipt.receiptId}/${index}`));
        const r = await runContract(engines, {
          accountId: id,
          code,
          codeHash: a.codeHash,
          method: action.methodName,
          args: action.args,
          signerId: receipt.signerId,
          signerPublicKey: receipt.signerPublicKey,
          predecessorId: receipt.predecessorId,
          deposit: action.deposit,
          gas: action.gas,
          blockHeight: ctx.height,
          blockTimestampNs: ctx.timestampNs,
          randomSeed: seed,
          storage: new LazyStorage(state, id),
          accountBalance: a.amount,
          storageUsage: a.storageUsage,
          isView: false,
          promiseResults,
          isYieldPending: (dataId) => isYieldPendingFor(state, id, dataId),
        });
        logs.push(...r.logs);
        usedGas += r.gasUsed;
        if (r.error) {
          contractGas += r.gasBurnt;
          throw new ActionFailure(functionCallError(r.error));
        }
        state.applyStorageChanges(id, r.storageChanges);
        state.setAccount(id, { ...a, amount: r.balance, storageUsage: r.storageUsage });
        const ids = schedulePromises(state, receipt, index, r.promises, ctx.height);
        for (const rid of ids) if (rid !== null) created.push(rid);
        resumeYields(state, r.yieldResumes);
        returnedReceipt = r.returnPromise === null ? null : (ids[r.returnPromise] ?? null);
        returnValue = r.returnValue ?? new Uint8Array(0);
        return r.gasBurnt;
      }
      default:
        // Stake and the actions refused at validation (UNSUPPORTED_ACTION_TYPES).
        throw new ActionFailure(actorNoPermission(id, receipt.predecessorId));
    }
  }

  if (failure === null) {
    // Storage staking (nearcore `check_storage_stake`): the account must hold its storage's worth.
    const a = state.getAccount(id);
    const required = a ? a.storageUsage * STORAGE_AMOUNT_PER_BYTE : 0n;
    if (a && a.amount < required) failure = { index: receipt.actions.length - 1, kind: actionLackBalanceForState(id, required - a.amount) };
  }
  if (failure === null) state.commit();
  else {
    // The deposits go back to the predecessor.
    const deposit = totalDeposit(receipt.actions);
    const p = block.getAccount(receipt.predecessorId);
    if (p && deposit > 0n) block.setAccount(receipt.predecessorId, { ...p, amount: p.amount + deposit });
  }
  const receivers = receipt.outputTo ?? [];
  if (failure !== null) deliver(block, receivers, { status: 'failed' });
  else if (returnedReceipt !== null) forwardOutputs(block, returnedReceipt, receivers);
  else deliver(block, receivers, { status: 'successful', value: returnValue });
  const burnt = fees.exec + contractGas;
  const used = usedGas > contractGas ? usedGas : contractGas;
  const refund = (prepaid - (used > prepaid ? prepaid : used)) * receipt.gasPrice;
  const signer = block.getAccount(receipt.signerId);
  if (signer && refund > 0n) block.setAccount(receipt.signerId, { ...signer, amount: signer.amount + refund });
  return outcomeView({
    logs,
    receipt_ids: failure ? [] : created,
    gasBurnt: burnt,
    gasPrice: receipt.gasPrice,
    executor_id: id,
    status: failure
      ? { Failure: actionError(failure.index, failure.kind) }
      : returnedReceipt !== null
        ? { SuccessReceiptId: returnedReceipt }
        : { SuccessValue: base64Encode(returnValue) },
  });
}
