/**
 * JSON-RPC errors in nearcore's shape (chain/jsonrpc-primitives/src/errors.rs):
 *
 *   { name, cause: { name, info }, code, message, data }
 *
 * `name` is REQUEST_VALIDATION_ERROR, HANDLER_ERROR or INTERNAL_ERROR; `cause` is the
 * method's error enum (serde `tag = "name", content = "info"`, so unit variants such as
 * TIMEOUT_ERROR have no `info`); `code`/`message`/`data` are the legacy fields nearcore keeps.
 * near-api-js 7.2 reads `name` and `cause` (`parseRpcError`), and for INVALID_TRANSACTION
 * the `data.TxExecutionError` value, to pick its typed error class.
 *
 * Two `query` failures are not errors at all in nearcore: an unknown access key and a failing
 * view call come back as a *result* `{ error, logs, block_height, block_hash }`, which
 * near-api-js turns into the same typed errors by matching the text. `queryErrorResult`
 * builds those.
 *
 * @example
 * return { jsonrpc: '2.0', id, error: invalidTransactionError(invalidNonce(tx.nonce, key.nonce)) };
 */
import type { DecodeError } from './result.js';
import { txError, type InvalidTxError } from './tx-errors.js';

export type RpcErrorName = 'REQUEST_VALIDATION_ERROR' | 'HANDLER_ERROR' | 'INTERNAL_ERROR';

export interface RpcError {
  readonly name: RpcErrorName;
  readonly cause: { readonly name: string; readonly info?: Readonly<Record<string, unknown>> };
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** The block a query was answered at; nearcore adds it to query errors and results. */
export interface BlockRef {
  readonly blockHash: string;
  readonly blockHeight: number;
}

const SERVER_ERROR = { code: -32000, message: 'Server error' } as const;

function handlerError(cause: string, info: Record<string, unknown> | undefined, data: unknown): RpcError {
  return { name: 'HANDLER_ERROR', cause: info === undefined ? { name: cause } : { name: cause, info }, ...SERVER_ERROR, data };
}

const blockInfo = (block: BlockRef) => ({ block_height: block.blockHeight, block_hash: block.blockHash });

/** Malformed params (nearcore: "Failed parsing args: …") → near-api-js `RpcRequestParseError`. */
export function parseError(errorMessage: string): RpcError {
  return {
    name: 'REQUEST_VALIDATION_ERROR',
    cause: { name: 'PARSE_ERROR', info: { error_message: errorMessage } },
    code: -32700,
    message: 'Parse error',
    data: errorMessage,
  };
}

/** A `signed_tx_base64` that is not base64, or not a borsh `SignedTransaction`, worded as nearcore does. */
export function transactionParseError(error: DecodeError): RpcError {
  return parseError(error.code === 'invalid_base64' ? `Failed parsing args: ${error.message}` : `Failed to decode transaction: ${error.message}`);
}

/** → near-api-js `RpcMethodNotFoundError`. */
export function methodNotFoundError(method: string): RpcError {
  return {
    name: 'REQUEST_VALIDATION_ERROR',
    cause: { name: 'METHOD_NOT_FOUND', info: { method_name: method } },
    code: -32601,
    message: 'Method not found',
    data: method,
  };
}

/** → near-api-js `InternalRpcError`. */
export function internalError(errorMessage: string): RpcError {
  return { name: 'INTERNAL_ERROR', cause: { name: 'INTERNAL_ERROR', info: { error_message: errorMessage } }, ...SERVER_ERROR, data: errorMessage };
}

/**
 * A transaction refused before it runs (bad signature, nonce, key, balance …). near-api-js
 * raises the matching class: `InvalidNonceError` (and retries), `InvalidSignatureError`,
 * `SignerDoesNotExistError`, `NotEnoughBalanceError`, `AccessKeyNotFoundActionError` ….
 */
export function invalidTransactionError(error: InvalidTxError): RpcError {
  return handlerError('INVALID_TRANSACTION', {}, { TxExecutionError: txError(error) });
}

/** `send_tx`/`broadcast_tx_commit` gave up waiting → near-api-js `TransactionTimeoutError`. */
export function timeoutError(): RpcError {
  return handlerError('TIMEOUT_ERROR', undefined, 'Timeout');
}

/** `tx`/`EXPERIMENTAL_tx_status` for an unknown hash → near-api-js `UnknownTransactionError`. */
export function unknownTransactionError(txHash: string): RpcError {
  return handlerError('UNKNOWN_TRANSACTION', { requested_transaction_hash: txHash }, `Transaction ${txHash} doesn't exist`);
}

/** → near-api-js `AccountDoesNotExistError`. */
export function unknownAccountError(accountId: string, block: BlockRef): RpcError {
  return handlerError('UNKNOWN_ACCOUNT', { requested_account_id: accountId, ...blockInfo(block) }, `account ${accountId} does not exist while viewing`);
}

/** A query naming an id that breaks the account id rules → near-api-js `InvalidAccountError`. */
export function invalidAccountError(accountId: string, block: BlockRef): RpcError {
  return handlerError('INVALID_ACCOUNT', { requested_account_id: accountId, ...blockInfo(block) }, `Account ID ${accountId} is invalid`);
}

/**
 * The structured UNKNOWN_ACCESS_KEY error (→ near-api-js `AccessKeyDoesNotExistError`).
 * nearcore's `query` answers with `unknownAccessKeyResult` instead; this is for methods
 * without that legacy path.
 */
export function unknownAccessKeyError(publicKey: string, block: BlockRef): RpcError {
  return handlerError('UNKNOWN_ACCESS_KEY', { public_key: publicKey, ...blockInfo(block) }, `Access key for public key ${publicKey} has never been observed on the node`);
}

/** `view_code` / `call_function` on an account without code → near-api-js `ContractCodeDoesNotExistError`. */
export function noContractCodeError(accountId: string, block: BlockRef): RpcError {
  return handlerError('NO_CONTRACT_CODE', { contract_account_id: accountId, ...blockInfo(block) }, `Contract code for contract ID #${accountId} has never been observed on the node`);
}

/**
 * A block that does not exist → near-api-js `UnknownBlockError`. For `block`/`chunk`, nearcore
 * sends `info: {}`; for `query`, `info.block_reference` echoes the request's reference.
 */
export function unknownBlockError(detail: string, blockReference?: unknown): RpcError {
  const info = blockReference === undefined ? {} : { block_reference: blockReference };
  return handlerError('UNKNOWN_BLOCK', info, `DB Not Found Error: ${detail} \n Cause: Unknown`);
}

/** A `query` failure nearcore reports as a result, not an error (see the file comment). */
export interface QueryErrorResult {
  readonly error: string;
  readonly logs: readonly string[];
  readonly block_height: number;
  readonly block_hash: string;
}

export function queryErrorResult(error: string, block: BlockRef): QueryErrorResult {
  return { error, logs: [], ...blockInfo(block) };
}

/** `view_access_key` of a missing key → near-api-js `AccessKeyDoesNotExistError`. */
export function unknownAccessKeyResult(publicKey: string, block: BlockRef): QueryErrorResult {
  return queryErrorResult(`access key ${publicKey} does not exist while viewing`, block);
}

/**
 * A failing `call_function`; `vmError` is nearcore's debug text after the prefix, e.g.
 * `FunctionCallError(MethodResolveError(MethodNotFound))` (→ `ContractMethodNotFoundError`)
 * or `FunctionCallError(HostError(GuestPanic { panic_msg: "…" }))`.
 */
export function callFunctionErrorResult(vmError: string, block: BlockRef): QueryErrorResult {
  return queryErrorResult(`wasm execution failed with error: ${vmError}`, block);
}

/** The JSON-RPC 2.0 response carrying `error`. */
export function rpcErrorResponse(id: unknown, error: RpcError): { jsonrpc: '2.0'; id: unknown; error: RpcError } {
  return { jsonrpc: '2.0', id, error };
}
