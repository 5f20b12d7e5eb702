/**
 * NEAR actions and the borsh schema of everything inside them, in nearcore's field order
 * (`core/primitives/src/action/mod.rs`); the variant tags are the ones near-api-js 7.2.0's
 * `SCHEMA.Action` writes (0 CreateAccount … 10 UseGlobalContract). Newer nearcore tags
 * (DeterministicStateInit and the gas-key actions) are rejected as unknown variants, since
 * no near-api-js that runs on Node 20 can send them.
 */
import { validateAccountId } from './account-id.js';
import type { BorshReader } from './borsh-reader.js';
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, type KeyType, type PublicKey, type Signature } from './keys.js';

export type AccessKeyPermission =
  | { readonly kind: 'FullAccess' }
  | {
      readonly kind: 'FunctionCall';
      /** Remaining gas allowance in yoctoNEAR; null for unlimited. */
      readonly allowance: bigint | null;
      /** The one contract the key may call (a plain string in nearcore, not validated on decode). */
      readonly receiverId: string;
      /** Callable methods; empty means any. */
      readonly methodNames: readonly string[];
    };

export interface AccessKey {
  readonly nonce: bigint;
  readonly permission: AccessKeyPermission;
}

export type GlobalContractIdentifier =
  | { readonly kind: 'CodeHash'; readonly hash: Uint8Array }
  | { readonly kind: 'AccountId'; readonly accountId: string };

export interface DelegateAction {
  readonly senderId: string;
  readonly receiverId: string;
  readonly actions: readonly NonDelegateAction[];
  readonly nonce: bigint;
  readonly maxBlockHeight: bigint;
  readonly publicKey: PublicKey;
}

export type Action =
  | { readonly type: 'CreateAccount' }
  | { readonly type: 'DeployContract'; readonly code: Uint8Array }
  | { readonly type: 'FunctionCall'; readonly methodName: string; readonly args: Uint8Array; readonly gas: bigint; readonly deposit: bigint }
  | { readonly type: 'Transfer'; readonly deposit: bigint }
  | { readonly type: 'Stake'; readonly stake: bigint; readonly publicKey: PublicKey }
  | { readonly type: 'AddKey'; readonly publicKey: PublicKey; readonly accessKey: AccessKey }
  | { readonly type: 'DeleteKey'; readonly publicKey: PublicKey }
  | { readonly type: 'DeleteAccount'; readonly beneficiaryId: string }
  | { readonly type: 'Delegate'; readonly delegateAction: DelegateAction; readonly signature: Signature }
  | { readonly type: 'DeployGlobalContract'; readonly code: Uint8Array; readonly deployMode: 'CodeHash' | 'AccountId' }
  | { readonly type: 'UseGlobalContract'; readonly contractIdentifier: GlobalContractIdentifier };

export type ActionType = Action['type'];

/** What a DelegateAction may carry: any action but another delegate. */
export type NonDelegateAction = Exclude<Action, { type: 'Delegate' }>;

/** Borsh variant tags, in order. */
export const ACTION_TYPES = [
  'CreateAccount',
  'DeployContract',
  'FunctionCall',
  'Transfer',
  'Stake',
  'AddKey',
  'DeleteKey',
  'DeleteAccount',
  'Delegate',
  'DeployGlobalContract',
  'UseGlobalContract',
] as const satisfies readonly ActionType[];

/**
 * Actions the codec decodes but the devnet does not execute (meta-transactions and global
 * contracts). `firstUnsupportedAction` finds them so the devnet can refuse the transaction.
 */
export const UNSUPPORTED_ACTION_TYPES: ReadonlySet<ActionType> = new Set<ActionType>(['Delegate', 'DeployGlobalContract', 'UseGlobalContract']);

export function firstUnsupportedAction(actions: readonly Action[]): { index: number; type: ActionType } | null {
  for (let index = 0; index < actions.length; index++) {
    const type = actions[index]!.type;
    if (UNSUPPORTED_ACTION_TYPES.has(type)) return { index, type };
  }
  return null;
}

const KEY_TYPES = ['ed25519', 'secp256k1'] as const satisfies readonly KeyType[];

export function readAccountId(r: BorshReader): string {
  const at = r.position;
  const id = r.string();
  const problem = validateAccountId(id);
  if (problem) r.fail('invalid_account_id', problem.message, at);
  return id;
}

export function readPublicKey(r: BorshReader): PublicKey {
  const keyType = KEY_TYPES[r.tag(KEY_TYPES)]!;
  return { keyType, data: r.fixedBytes(PUBLIC_KEY_LENGTH[keyType]) };
}

export function readSignature(r: BorshReader): Signature {
  const keyType = KEY_TYPES[r.tag(KEY_TYPES)]!;
  return { keyType, data: r.fixedBytes(SIGNATURE_LENGTH[keyType]) };
}

export function readCryptoHash(r: BorshReader): Uint8Array {
  return r.fixedBytes(32);
}

const PERMISSIONS = ['FunctionCall', 'FullAccess'] as const;

function readAccessKey(r: BorshReader): AccessKey {
  const nonce = r.u64();
  if (PERMISSIONS[r.tag(PERMISSIONS)] === 'FullAccess') return { nonce, permission: { kind: 'FullAccess' } };
  const allowance = r.option(() => r.u128());
  const receiverId = r.string();
  const methodNames = r.vec(() => r.string(), 4);
  return { nonce, permission: { kind: 'FunctionCall', allowance, receiverId, methodNames } };
}

function readDelegateAction(r: BorshReader): DelegateAction {
  const senderId = readAccountId(r);
  const receiverId = readAccountId(r);
  // NonDelegateAction: the same enum, but readAction(r, false) refuses a nested delegate.
  const actions = r.vec(() => readAction(r, false) as NonDelegateAction);
  const nonce = r.u64();
  const maxBlockHeight = r.u64();
  const publicKey = readPublicKey(r);
  return { senderId, receiverId, actions, nonce, maxBlockHeight, publicKey };
}

const DEPLOY_MODES = ['CodeHash', 'AccountId'] as const;

/** Reads one `Action`; `allowDelegate` is false inside a DelegateAction. */
export function readAction(r: BorshReader, allowDelegate = true): Action {
  const at = r.position;
  const type = ACTION_TYPES[r.tag(ACTION_TYPES)]!;
  switch (type) {
    case 'CreateAccount':
      return { type };
    case 'DeployContract':
      return { type, code: r.bytesVec() };
    case 'FunctionCall':
      return { type, methodName: r.string(), args: r.bytesVec(), gas: r.u64(), deposit: r.u128() };
    case 'Transfer':
      return { type, deposit: r.u128() };
    case 'Stake':
      return { type, stake: r.u128(), publicKey: readPublicKey(r) };
    case 'AddKey':
      return { type, publicKey: readPublicKey(r), accessKey: readAccessKey(r) };
    case 'DeleteKey':
      return { type, publicKey: readPublicKey(r) };
    case 'DeleteAccount':
      return { type, beneficiaryId: readAccountId(r) };
    case 'Delegate':
      if (!allowDelegate) return r.fail('unknown_variant', 'DelegateAction mustn\'t contain a nested one', at);
      return { type, delegateAction: readDelegateAction(r), signature: readSignature(r) };
    case 'DeployGlobalContract':
      return { type, code: r.bytesVec(), deployMode: DEPLOY_MODES[r.tag(DEPLOY_MODES)]! };
    case 'UseGlobalContract': {
      const kind = DEPLOY_MODES[r.tag(DEPLOY_MODES)]!;
      const contractIdentifier: GlobalContractIdentifier =
        kind === 'CodeHash' ? { kind, hash: readCryptoHash(r) } : { kind, accountId: readAccountId(r) };
      return { type, contractIdentifier };
    }
  }
}
