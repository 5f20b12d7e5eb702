// Every error shape must make near-api-js 7.2.0 raise its matching typed error. The tests run
// near-api-js's real JsonRpcProvider and Account against a fake `fetch` that answers with
// what the builders return, so its own parsing code decides.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, actions } from 'near-api-js';
import * as NearErrors from 'near-api-js/rpc-errors';
import { base58Encode } from './encoding.js';
import {
  callFunctionErrorResult,
  internalError,
  invalidAccountError,
  invalidTransactionError,
  methodNotFoundError,
  noContractCodeError,
  parseError,
  rpcErrorResponse,
  timeoutError,
  transactionParseError,
  unknownAccessKeyError,
  unknownAccessKeyResult,
  unknownAccountError,
  unknownBlockError,
  unknownTransactionError,
  type RpcError,
} from './errors.js';
import { publicKeyToString, randomKeyPair } from './keys.js';
import { decodeSignedTransactionBase64, verifyTransactionSignature } from './transaction.js';
import {
  accessKeyNotFound,
  accountAlreadyExists,
  actionError,
  codeDoesNotExist,
  depositWithFunctionCall,
  expired,
  functionCallError,
  guestPanic,
  invalidNonce,
  invalidReceiverId,
  invalidSignature,
  invalidSignerId,
  lackBalanceForState,
  methodNameMismatch,
  methodNotFound,
  nonceTooLarge,
  notEnoughAllowance,
  notEnoughBalance,
  receiverMismatch,
  requiresFullAccess,
  signerDoesNotExist,
  transactionSizeExceeded,
  txFailure,
  unsupportedProtocolFeature,
  type TxExecutionError,
} from './tx-errors.js';

type Handler = (method: string, params: any) => { result: unknown } | { error: RpcError };

const realFetch = globalThis.fetch;
const calls: Array<{ method: string; params: any }> = [];

function serve(handler: Handler): JsonRpcProvider {
  calls.length = 0;
  globalThis.fetch = (async (_url: unknown, init?: { body?: unknown }) => {
    const request = JSON.parse(String(init?.body));
    calls.push({ method: request.method, params: request.params });
    const answer = handler(request.method, request.params);
    const body = 'error' in answer ? rpcErrorResponse(request.id, answer.error) : { jsonrpc: '2.0', id: request.id, result: answer.result };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return new JsonRpcProvider({ url: 'http://devnet.invalid' });
}

afterEach(() => {
  globalThis.fetch = realFetch;
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  return assert.fail('expected the call to fail');
}

const block = { blockHash: base58Encode(new Uint8Array(32).fill(3)), blockHeight: 17 };
const key = publicKeyToString(randomKeyPair().publicKey);

describe('RPC errors → near-api-js typed errors', () => {
  const table: Array<[string, RpcError, new (...args: any[]) => Error]> = [
    ['PARSE_ERROR', parseError('Failed parsing args: missing field'), NearErrors.RpcRequestParseError],
    ['METHOD_NOT_FOUND', methodNotFoundError('nope'), NearErrors.RpcMethodNotFoundError],
    ['INTERNAL_ERROR', internalError('boom'), NearErrors.InternalRpcError],
    ['TIMEOUT_ERROR', timeoutError(), NearErrors.TransactionTimeoutError],
    ['UNKNOWN_TRANSACTION', unknownTransactionError('9'.repeat(44)), NearErrors.UnknownTransactionError],
    ['UNKNOWN_ACCOUNT', unknownAccountError('ghost.test.near', block), NearErrors.AccountDoesNotExistError],
    ['INVALID_ACCOUNT', invalidAccountError('Bad', block), NearErrors.InvalidAccountError],
    ['UNKNOWN_ACCESS_KEY', unknownAccessKeyError(key, block), NearErrors.AccessKeyDoesNotExistError],
    ['NO_CONTRACT_CODE', noContractCodeError('empty.test.near', block), NearErrors.ContractCodeDoesNotExistError],
    ['UNKNOWN_BLOCK (block)', unknownBlockError('BLOCK HEIGHT: 99'), NearErrors.UnknownBlockError],
    ['UNKNOWN_BLOCK (query)', unknownBlockError('BLOCK HEIGHT: 99', { block_id: 99 }), NearErrors.UnknownBlockError],
    ['InvalidSignature', invalidTransactionError(invalidSignature()), NearErrors.InvalidSignatureError],
    ['InvalidNonce', invalidTransactionError(invalidNonce(5n, 7n)), NearErrors.InvalidNonceError],
    ['NonceTooLarge', invalidTransactionError(nonceTooLarge(10n ** 15n, 10n ** 12n)), NearErrors.NonceTooLargeError],
    ['SignerDoesNotExist', invalidTransactionError(signerDoesNotExist('ghost.test.near')), NearErrors.SignerDoesNotExistError],
    ['InvalidSignerId', invalidTransactionError(invalidSignerId('Bad')), NearErrors.InvalidSignerIdError],
    ['InvalidReceiverId', invalidTransactionError(invalidReceiverId('Bad')), NearErrors.InvalidReceiverIdError],
    ['AccessKeyNotFound', invalidTransactionError(accessKeyNotFound('a.test.near', key)), NearErrors.AccessKeyNotFoundActionError],
    ['ReceiverMismatch', invalidTransactionError(receiverMismatch('b.test.near', 'c.test.near')), NearErrors.AccessKeyReceiverMismatchActionError],
    ['MethodNameMismatch', invalidTransactionError(methodNameMismatch('withdraw')), NearErrors.AccessKeyMethodNameMismatchActionError],
    ['RequiresFullAccess', invalidTransactionError(requiresFullAccess()), NearErrors.AccessKeyRequiresFullAccessActionError],
    ['DepositWithFunctionCall', invalidTransactionError(depositWithFunctionCall()), NearErrors.AccessKeyDepositWithFunctionCallActionError],
    ['NotEnoughAllowance', invalidTransactionError(notEnoughAllowance('a.test.near', key, 1n, 2n)), NearErrors.AccessKeyNotEnoughAllowanceActionError],
    ['NotEnoughBalance', invalidTransactionError(notEnoughBalance('a.test.near', 10n ** 24n, 10n ** 25n)), NearErrors.NotEnoughBalanceError],
    ['LackBalanceForState', invalidTransactionError(lackBalanceForState('a.test.near', 5n)), NearErrors.LackBalanceForStateActionError],
    ['Expired', invalidTransactionError(expired()), NearErrors.TransactionExpiredError],
    ['TransactionSizeExceeded', invalidTransactionError(transactionSizeExceeded(5_000_000, 1_572_864)), NearErrors.TransactionSizeExceededError],
    ['UnsupportedProtocolFeature', invalidTransactionError(unsupportedProtocolFeature('DelegateAction', 73)), NearErrors.UnsupportedProtocolFeatureActionError],
  ];

  for (const [name, error, ErrorClass] of table) {
    it(`${name} → ${ErrorClass.name}`, async () => {
      const provider = serve(() => ({ error }));
      const e = await rejection(provider.sendJsonRpc('status', {}));
      assert.ok(e instanceof ErrorClass, `${name} gave ${e?.constructor?.name}: ${e?.message}`);
    });
  }

  it('keeps the exact envelope nearcore sends', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(invalidTransactionError(invalidNonce(5n, 7n)))), {
      name: 'HANDLER_ERROR',
      cause: { name: 'INVALID_TRANSACTION', info: {} },
      code: -32000,
      message: 'Server error',
      data: { TxExecutionError: { InvalidTxError: { InvalidNonce: { tx_nonce: 5, ak_nonce: 7 } } } },
    });
    assert.deepEqual(timeoutError(), { name: 'HANDLER_ERROR', cause: { name: 'TIMEOUT_ERROR' }, code: -32000, message: 'Server error', data: 'Timeout' });
    assert.deepEqual(Object.keys(parseError('x')), ['name', 'cause', 'code', 'message', 'data']);
  });

  it('carries the numbers near-api-js exposes', async () => {
    const provider = serve(() => ({ error: invalidTransactionError(invalidNonce(5n, 7n)) }));
    const e = await rejection(provider.sendJsonRpc('send_tx', {}));
    assert.ok(e instanceof NearErrors.InvalidNonceError);
    assert.equal(Number(e.transactionNonce), 5);
    assert.equal(Number(e.accessKeyNonce), 7);
    const balance = serve(() => ({ error: invalidTransactionError(notEnoughBalance('a.test.near', 10n ** 30n, 10n ** 31n)) }));
    const b = await rejection(balance.sendJsonRpc('send_tx', {}));
    assert.ok(b instanceof NearErrors.NotEnoughBalanceError);
    assert.equal(b.balance, 10n ** 30n);
    assert.equal(b.cost, 10n ** 31n);
  });

  it('transaction parse errors are worded as nearcore words them', () => {
    const notBase64 = decodeSignedTransactionBase64('!!!!');
    assert.ok(!notBase64.ok);
    assert.equal(transactionParseError(notBase64.error).data, 'Failed parsing args: Invalid symbol 33, offset 0.');
    const notBorsh = decodeSignedTransactionBase64('AAAA');
    assert.ok(!notBorsh.ok);
    assert.equal(transactionParseError(notBorsh.error).data, 'Failed to decode transaction: Unexpected length of input');
    assert.equal(transactionParseError(notBorsh.error).cause.name, 'PARSE_ERROR');
  });
});

describe('query results that nearcore reports as errors inside `result`', () => {
  it('a missing access key → AccessKeyDoesNotExistError', async () => {
    const provider = serve(() => ({ result: unknownAccessKeyResult(key, block) }));
    const e = await rejection(provider.viewAccessKey({ accountId: 'a.test.near', publicKey: key }));
    assert.ok(e instanceof NearErrors.AccessKeyDoesNotExistError, e.message);
  });

  it('a view call of a missing method → ContractMethodNotFoundError; a panic → a plain RpcError with the text', async () => {
    const provider = serve(() => ({ result: callFunctionErrorResult('FunctionCallError(MethodResolveError(MethodNotFound))', block) }));
    const e = await rejection(provider.callFunction({ contractId: 'c.test.near', method: 'nope', args: {} }));
    assert.ok(e instanceof NearErrors.ContractMethodNotFoundError, e.message);
    const panic = serve(() => ({ result: callFunctionErrorResult('FunctionCallError(HostError(GuestPanic { panic_msg: "no" }))', block) }));
    const p = await rejection(panic.callFunction({ contractId: 'c.test.near', method: 'x', args: {} }));
    assert.match(p.message, /GuestPanic/);
  });
});

describe('near-api-js Account against a fake devnet that uses this codec', () => {
  const keyPair = KeyPair.fromRandom('ed25519');
  const blockHash = base58Encode(new Uint8Array(32).fill(1));

  /** A one-account chain: checks signature and nonce like the devnet, then answers with `outcome`. */
  function fakeChain(state: { akNonce: bigint; reportedNonce: bigint }, outcome: (nonce: bigint) => { status: unknown }) {
    return serve((method, params) => {
      if (method === 'query' && params.request_type === 'view_access_key') {
        return { result: { nonce: Number(state.reportedNonce), permission: 'FullAccess', block_height: 1, block_hash: blockHash } };
      }
      if (method === 'block') return { result: { header: { hash: blockHash, height: 1 } } };
      if (method === 'send_tx') {
        const decoded = decodeSignedTransactionBase64(params.signed_tx_base64);
        if (!decoded.ok) return { error: transactionParseError(decoded.error) };
        if (!verifyTransactionSignature(decoded.value)) return { error: invalidTransactionError(invalidSignature()) };
        const nonce = decoded.value.transaction.nonce;
        if (nonce <= state.akNonce) {
          state.reportedNonce = state.akNonce; // the next view_access_key tells the truth
          return { error: invalidTransactionError(invalidNonce(nonce, state.akNonce)) };
        }
        state.akNonce = nonce;
        const id = decoded.value.hash;
        return {
          result: {
            ...outcome(nonce),
            transaction: {},
            transaction_outcome: { id, block_hash: blockHash, outcome: {} },
            receipts_outcome: [],
            final_execution_status: 'EXECUTED_OPTIMISTIC',
          },
        };
      }
      return { error: methodNotFoundError(method) };
    });
  }

  it('on InvalidNonce, near-api-js refetches the nonce and retries, and the retry succeeds', async () => {
    const state = { akNonce: 10n, reportedNonce: 5n }; // a stale view: near-api-js will first try 6
    const provider = fakeChain(state, () => ({ status: { SuccessValue: '' } }));
    const account = new Account('alice.test.near', provider, new KeyPairSigner(keyPair));
    await account.signAndSendTransaction({ receiverId: 'bob.test.near', actions: [actions.transfer(1n)] });
    const sends = calls.filter((c) => c.method === 'send_tx');
    assert.equal(sends.length, 2);
    assert.equal(calls.filter((c) => c.method === 'query').length, 2);
    assert.equal(state.akNonce, 11n);
  });

  const failures: Array<[string, TxExecutionError, new (...args: any[]) => Error]> = [
    ['a panic', actionError(0, functionCallError(guestPanic('no'))), NearErrors.ContractExecutionError],
    ['a missing method', actionError(0, functionCallError(methodNotFound())), NearErrors.ContractMethodNotFoundError],
    ['no code', actionError(0, functionCallError(codeDoesNotExist('c.test.near'))), NearErrors.ContractCodeDoesNotExistError],
    ['an existing account', actionError(0, accountAlreadyExists('bob.test.near')), NearErrors.AccountAlreadyExistsActionError],
    [
      'a foreign sub-account',
      actionError(0, { CreateAccountNotAllowed: { account_id: 'x.bob.test.near', predecessor_id: 'alice.test.near' } }),
      NearErrors.CreateAccountNotAllowedActionError,
    ],
  ];

  for (const [name, failure, ErrorClass] of failures) {
    it(`an outcome that failed with ${name} → ${ErrorClass.name}`, async () => {
      const provider = fakeChain({ akNonce: 0n, reportedNonce: 0n }, () => ({ status: txFailure(failure) }));
      const account = new Account('alice.test.near', provider, new KeyPairSigner(keyPair));
      const e = await rejection(account.signAndSendTransaction({ receiverId: 'bob.test.near', actions: [actions.functionCall('m', {}, 1n, 0n)] }));
      assert.ok(e instanceof ErrorClass, `${name} gave ${e?.constructor?.name}: ${e?.message}`);
    });
  }

  it('the panic message reaches the caller', async () => {
    const provider = fakeChain({ akNonce: 0n, reportedNonce: 0n }, () => ({ status: txFailure(actionError(0, functionCallError(guestPanic('out of cheese')))) }));
    const account = new Account('alice.test.near', provider, new KeyPairSigner(keyPair));
    const e = await rejection(account.signAndSendTransaction({ receiverId: 'bob.test.near', actions: [actions.transfer(1n)] }));
    assert.equal(e.message, 'Smart contract panicked: out of cheese');
  });
});
