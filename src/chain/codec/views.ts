/**
 * The JSON views nearcore returns for transactions (core/primitives/src/views.rs):
 * `SignedTransactionView` in `tx`/`send_tx` results and `ActionView` in receipts. Amounts are
 * decimal strings, gas and nonces numbers, args base64, keys and hashes `ed25519:`/base58, and
 * deployed code is shown as the base64 of its sha256, never the code itself.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { AccessKey, Action, DelegateAction, NonDelegateAction } from './actions.js';
import { base58Encode, base64Encode } from './encoding.js';
import { publicKeyToString, signatureToString } from './keys.js';
import type { SignedTransaction } from './transaction.js';

export type AccessKeyPermissionView =
  | 'FullAccess'
  | { FunctionCall: { allowance: string | null; receiver_id: string; method_names: string[] } };

export interface AccessKeyView {
  nonce: number;
  permission: AccessKeyPermissionView;
}

/**
 * Inside a delegate, nearcore shows actions in their serde form, not as `ActionView`: every
 * variant is an object, and deployed code is the full code in base64.
 */
export type NonDelegateActionJson =
  | { CreateAccount: Record<string, never> }
  | { DeployContract: { code: string } }
  | { FunctionCall: { method_name: string; args: string; gas: number; deposit: string } }
  | { Transfer: { deposit: string } }
  | { Stake: { stake: string; public_key: string } }
  | { AddKey: { public_key: string; access_key: AccessKeyView } }
  | { DeleteKey: { public_key: string } }
  | { DeleteAccount: { beneficiary_id: string } }
  | { DeployGlobalContract: { code: string; deploy_mode: 'CodeHash' | 'AccountId' } }
  | { UseGlobalContract: { contract_identifier: { CodeHash: string } | { AccountId: string } } };

export interface DelegateActionView {
  sender_id: string;
  receiver_id: string;
  actions: NonDelegateActionJson[];
  nonce: number;
  max_block_height: number;
  public_key: string;
}

export type ActionView =
  | 'CreateAccount'
  | { DeployContract: { code: string } }
  | { FunctionCall: { method_name: string; args: string; gas: number; deposit: string } }
  | { Transfer: { deposit: string } }
  | { Stake: { stake: string; public_key: string } }
  | { AddKey: { public_key: string; access_key: AccessKeyView } }
  | { DeleteKey: { public_key: string } }
  | { DeleteAccount: { beneficiary_id: string } }
  | { Delegate: { delegate_action: DelegateActionView; signature: string } }
  | { DeployGlobalContract: { code: string } }
  | { DeployGlobalContractByAccountId: { code: string } }
  | { UseGlobalContract: { code_hash: string } }
  | { UseGlobalContractByAccountId: { account_id: string } };

export interface SignedTransactionView {
  signer_id: string;
  public_key: string;
  nonce: number;
  receiver_id: string;
  actions: ActionView[];
  priority_fee: number;
  signature: string;
  hash: string;
}

export function accessKeyView(key: AccessKey): AccessKeyView {
  const p = key.permission;
  return {
    nonce: Number(key.nonce),
    permission:
      p.kind === 'FullAccess'
        ? 'FullAccess'
        : { FunctionCall: { allowance: p.allowance === null ? null : p.allowance.toString(), receiver_id: p.receiverId, method_names: [...p.methodNames] } },
  };
}

function delegateActionView(d: DelegateAction): DelegateActionView {
  return {
    sender_id: d.senderId,
    receiver_id: d.receiverId,
    actions: d.actions.map(nonDelegateActionJson),
    nonce: Number(d.nonce),
    max_block_height: Number(d.maxBlockHeight),
    public_key: publicKeyToString(d.publicKey),
  };
}

export function nonDelegateActionJson(action: NonDelegateAction): NonDelegateActionJson {
  switch (action.type) {
    case 'CreateAccount':
      return { CreateAccount: {} };
    case 'DeployContract':
      return { DeployContract: { code: base64Encode(action.code) } };
    case 'DeployGlobalContract':
      return { DeployGlobalContract: { code: base64Encode(action.code), deploy_mode: action.deployMode } };
    case 'UseGlobalContract': {
      const id = action.contractIdentifier;
      return { UseGlobalContract: { contract_identifier: id.kind === 'CodeHash' ? { CodeHash: base58Encode(id.hash) } : { AccountId: id.accountId } } };
    }
    default:
      // The remaining variants look the same in both forms.
      return actionView(action) as NonDelegateActionJson;
  }
}

export function actionView(action: Action): ActionView {
  switch (action.type) {
    case 'CreateAccount':
      return 'CreateAccount';
    case 'DeployContract':
      return { DeployContract: { code: base64Encode(sha256(action.code)) } };
    case 'FunctionCall':
      return {
        FunctionCall: { method_name: action.methodName, args: base64Encode(action.args), gas: Number(action.gas), deposit: action.deposit.toString() },
      };
    case 'Transfer':
      return { Transfer: { deposit: action.deposit.toString() } };
    case 'Stake':
      return { Stake: { stake: action.stake.toString(), public_key: publicKeyToString(action.publicKey) } };
    case 'AddKey':
      return { AddKey: { public_key: publicKeyToString(action.publicKey), access_key: accessKeyView(action.accessKey) } };
    case 'DeleteKey':
      return { DeleteKey: { public_key: publicKeyToString(action.publicKey) } };
    case 'DeleteAccount':
      return { DeleteAccount: { beneficiary_id: action.beneficiaryId } };
    case 'Delegate':
      return { Delegate: { delegate_action: delegateActionView(action.delegateAction), signature: signatureToString(action.signature) } };
    case 'DeployGlobalContract': {
      const code = base64Encode(sha256(action.code));
      return action.deployMode === 'CodeHash' ? { DeployGlobalContract: { code } } : { DeployGlobalContractByAccountId: { code } };
    }
    case 'UseGlobalContract': {
      const id = action.contractIdentifier;
      return id.kind === 'CodeHash' ? { UseGlobalContract: { code_hash: base58Encode(id.hash) } } : { UseGlobalContractByAccountId: { account_id: id.accountId } };
    }
  }
}

export function signedTransactionView(signed: SignedTransaction): SignedTransactionView {
  const tx = signed.transaction;
  return {
    signer_id: tx.signerId,
    public_key: publicKeyToString(tx.publicKey),
    nonce: Number(tx.nonce),
    receiver_id: tx.receiverId,
    actions: tx.actions.map(actionView),
    priority_fee: 0,
    signature: signatureToString(signed.signature),
    hash: signed.hash,
  };
}
