/**
 * nearcore's `TxExecutionError` JSON (core/primitives/src/errors.rs, serde's externally tagged
 * enums): the value of a failed outcome's `status.Failure` and of an INVALID_TRANSACTION
 * error's `data.TxExecutionError`. near-api-js 7.2 maps each variant to its own error class
 * (`parseTransactionExecutionError`), e.g. `InvalidNonce` → `InvalidNonceError`, which
 * `Account.signAndSendTransaction` answers by refetching the nonce and retrying.
 *
 * Balances (u128) are decimal strings and nonces, gas and sizes are JSON numbers, as nearcore
 * writes them; a u64 above 2^53 loses precision, which devnet nonces never reach.
 *
 * @example
 * invalidTransactionError(invalidNonce(5n, 7n)); // an RPC error (./errors.ts)
 * txFailure(actionError(0, functionCallError(guestPanic('boom'))));
 */
import type { CreateAccountDenial } from './account-id.js';

export type InvalidAccessKeyError =
  | { AccessKeyNotFound: { account_id: string; public_key: string } }
  | { ReceiverMismatch: { tx_receiver: string; ak_receiver: string } }
  | { MethodNameMismatch: { method_name: string } }
  | 'RequiresFullAccess'
  | { NotEnoughAllowance: { account_id: string; public_key: string; allowance: string; cost: string } }
  | 'DepositWithFunctionCall';

export type ActionsValidationError =
  | 'DeleteActionMustBeFinal'
  | 'IntegerOverflow'
  | 'FunctionCallZeroAttachedGas'
  | 'DelegateActionMustBeOnlyOne'
  | { TotalPrepaidGasExceeded: { total_prepaid_gas: number; limit: number } }
  | { TotalNumberOfActionsExceeded: { total_number_of_actions: number; limit: number } }
  | { AddKeyMethodNamesNumberOfBytesExceeded: { total_number_of_bytes: number; limit: number } }
  | { AddKeyMethodNameLengthExceeded: { length: number; limit: number } }
  | { InvalidAccountId: { account_id: string } }
  | { ContractSizeExceeded: { size: number; limit: number } }
  | { FunctionCallMethodNameLengthExceeded: { length: number; limit: number } }
  | { FunctionCallArgumentsLengthExceeded: { length: number; limit: number } }
  | { UnsupportedProtocolFeature: { protocol_feature: string; version: number } };

export type InvalidTxError =
  | { InvalidAccessKeyError: InvalidAccessKeyError }
  | { InvalidSignerId: { signer_id: string } }
  | { SignerDoesNotExist: { signer_id: string } }
  | { InvalidNonce: { tx_nonce: number; ak_nonce: number } }
  | { NonceTooLarge: { tx_nonce: number; upper_bound: number } }
  | { InvalidReceiverId: { receiver_id: string } }
  | 'InvalidSignature'
  | { NotEnoughBalance: { signer_id: string; balance: string; cost: string } }
  | { LackBalanceForState: { signer_id: string; amount: string } }
  | 'CostOverflow'
  | 'InvalidChain'
  | 'Expired'
  | { ActionsValidation: ActionsValidationError }
  | { TransactionSizeExceeded: { size: number; limit: number } }
  | 'InvalidTransactionVersion';

/** Why a contract's wasm could not be prepared (instrumented) for execution. */
export type PrepareError =
  | 'Serialization'
  | 'Deserialization'
  | 'InternalMemoryDeclared'
  | 'GasInstrumentation'
  | 'StackHeightInstrumentation'
  | 'Instantiate'
  | 'Memory'
  | 'TooManyFunctions'
  | 'TooManyLocals'
  | 'TooManyTables'
  | 'TooManyTableElements';

/** The serialized `FunctionCallError`: nearcore collapses host errors and traps into `ExecutionError` text. */
export type FunctionCallError =
  | { CompilationError: { CodeDoesNotExist: { account_id: string } } | { PrepareError: PrepareError } | { WasmerCompileError: { msg: string } } }
  | { MethodResolveError: 'MethodEmptyName' | 'MethodNotFound' | 'MethodInvalidSignature' }
  | { ExecutionError: string };

export type ActionErrorKind =
  | { AccountAlreadyExists: { account_id: string } }
  | { AccountDoesNotExist: { account_id: string } }
  | CreateAccountDenial
  | { ActorNoPermission: { account_id: string; actor_id: string } }
  | { DeleteKeyDoesNotExist: { account_id: string; public_key: string } }
  | { AddKeyAlreadyExists: { account_id: string; public_key: string } }
  | { LackBalanceForState: { account_id: string; amount: string } }
  | { FunctionCallError: FunctionCallError }
  | { DeleteAccountWithLargeState: { account_id: string } };

export type TxExecutionError =
  | { InvalidTxError: InvalidTxError }
  | { ActionError: { index: number | null; kind: ActionErrorKind } };

type U64 = bigint | number;
type U128 = bigint | number | string;

const num = (v: U64): number => Number(v);
const dec = (v: U128): string => BigInt(v).toString();

// InvalidTxError: the transaction is refused before it runs (an RPC error, no outcome).
export const invalidSignature = (): InvalidTxError => 'InvalidSignature';
export const invalidNonce = (txNonce: U64, akNonce: U64): InvalidTxError => ({ InvalidNonce: { tx_nonce: num(txNonce), ak_nonce: num(akNonce) } });
export const nonceTooLarge = (txNonce: U64, upperBound: U64): InvalidTxError => ({ NonceTooLarge: { tx_nonce: num(txNonce), upper_bound: num(upperBound) } });
export const signerDoesNotExist = (signerId: string): InvalidTxError => ({ SignerDoesNotExist: { signer_id: signerId } });
export const invalidSignerId = (signerId: string): InvalidTxError => ({ InvalidSignerId: { signer_id: signerId } });
export const invalidReceiverId = (receiverId: string): InvalidTxError => ({ InvalidReceiverId: { receiver_id: receiverId } });
export const notEnoughBalance = (signerId: string, balance: U128, cost: U128): InvalidTxError => ({
  NotEnoughBalance: { signer_id: signerId, balance: dec(balance), cost: dec(cost) },
});
export const lackBalanceForState = (signerId: string, amount: U128): InvalidTxError => ({ LackBalanceForState: { signer_id: signerId, amount: dec(amount) } });
export const expired = (): InvalidTxError => 'Expired';
export const transactionSizeExceeded = (size: number, limit: number): InvalidTxError => ({ TransactionSizeExceeded: { size, limit } });
export const actionsValidation = (error: ActionsValidationError): InvalidTxError => ({ ActionsValidation: error });
/** For actions the devnet decodes but does not run (see `UNSUPPORTED_ACTION_TYPES`). */
export const unsupportedProtocolFeature = (feature: string, version: number): InvalidTxError =>
  actionsValidation({ UnsupportedProtocolFeature: { protocol_feature: feature, version } });

// InvalidAccessKeyError, wrapped as an InvalidTxError.
const accessKey = (error: InvalidAccessKeyError): InvalidTxError => ({ InvalidAccessKeyError: error });
export const accessKeyNotFound = (accountId: string, publicKey: string): InvalidTxError =>
  accessKey({ AccessKeyNotFound: { account_id: accountId, public_key: publicKey } });
export const receiverMismatch = (txReceiver: string, akReceiver: string): InvalidTxError =>
  accessKey({ ReceiverMismatch: { tx_receiver: txReceiver, ak_receiver: akReceiver } });
export const methodNameMismatch = (methodName: string): InvalidTxError => accessKey({ MethodNameMismatch: { method_name: methodName } });
export const requiresFullAccess = (): InvalidTxError => accessKey('RequiresFullAccess');
export const depositWithFunctionCall = (): InvalidTxError => accessKey('DepositWithFunctionCall');
export const notEnoughAllowance = (accountId: string, publicKey: string, allowance: U128, cost: U128): InvalidTxError =>
  accessKey({ NotEnoughAllowance: { account_id: accountId, public_key: publicKey, allowance: dec(allowance), cost: dec(cost) } });

// ActionErrorKind: an action of a receipt failed (the outcome's status.Failure).
export const accountAlreadyExists = (accountId: string): ActionErrorKind => ({ AccountAlreadyExists: { account_id: accountId } });
export const accountDoesNotExist = (accountId: string): ActionErrorKind => ({ AccountDoesNotExist: { account_id: accountId } });
export const actorNoPermission = (accountId: string, actorId: string): ActionErrorKind => ({ ActorNoPermission: { account_id: accountId, actor_id: actorId } });
export const deleteKeyDoesNotExist = (accountId: string, publicKey: string): ActionErrorKind => ({
  DeleteKeyDoesNotExist: { account_id: accountId, public_key: publicKey },
});
export const addKeyAlreadyExists = (accountId: string, publicKey: string): ActionErrorKind => ({
  AddKeyAlreadyExists: { account_id: accountId, public_key: publicKey },
});
export const actionLackBalanceForState = (accountId: string, amount: U128): ActionErrorKind => ({ LackBalanceForState: { account_id: accountId, amount: dec(amount) } });
export const functionCallError = (error: FunctionCallError): ActionErrorKind => ({ FunctionCallError: error });

// FunctionCallError, with nearcore's Display texts for the collapsed host errors and traps.
export const guestPanic = (message: string): FunctionCallError => ({ ExecutionError: `Smart contract panicked: ${message}` });
export const gasExceeded = (): FunctionCallError => ({ ExecutionError: 'Exceeded the prepaid gas.' });
export const gasLimitExceeded = (): FunctionCallError => ({ ExecutionError: 'Exceeded the maximum amount of gas allowed to burn per contract.' });
export const wasmTrap = (description: string): FunctionCallError => ({ ExecutionError: `WebAssembly trap: ${description}` });
export const executionError = (message: string): FunctionCallError => ({ ExecutionError: message });
export const methodNotFound = (): FunctionCallError => ({ MethodResolveError: 'MethodNotFound' });
export const codeDoesNotExist = (accountId: string): FunctionCallError => ({ CompilationError: { CodeDoesNotExist: { account_id: accountId } } });
export const prepareError = (kind: PrepareError): FunctionCallError => ({ CompilationError: { PrepareError: kind } });

export function txError(error: InvalidTxError): TxExecutionError {
  return { InvalidTxError: error };
}

/** `index` is the failing action's position in its receipt (null when none applies). */
export function actionError(index: number | null, kind: ActionErrorKind): TxExecutionError {
  return { ActionError: { index, kind } };
}

/** An outcome status of a failed receipt or transaction: `{ Failure: TxExecutionError }`. */
export function txFailure(error: TxExecutionError): { Failure: TxExecutionError } {
  return { Failure: error };
}
