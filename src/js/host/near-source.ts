/**
 * The guest-side half of the NEAR host API: builds the frozen `near` object from the raw host
 * primitives (./near-host.ts). It runs inside the realm, so argument checks and conversions
 * (Uint8Array ↔ ArrayBuffer, u64 strings → BigInt) are metered guest work, and the host
 * primitives only ever see strings, numbers and ArrayBuffers.
 */
import { UTF8_SOURCE } from './utf8-source.js';

export const NEAR_SOURCE = String.raw`(function makeNear(h) {
  'use strict';
${UTF8_SOURCE}  const toWire = (v, what) => {
    if (typeof v === 'string') return str(v);
    if (v instanceof Uint8Array) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
    if (v instanceof ArrayBuffer) return v.slice(0);
    throw new TypeError(what + ' must be a string or a Uint8Array');
  };
  const bytes = (ab) => (ab === null ? null : new Uint8Array(ab));
  const u128 = (v, what) => {
    if (v === undefined) return '0';
    if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string') {
      const b = BigInt(v);
      if (b < 0n || b >= (1n << 128n)) throw new RangeError(what + ' must fit in an unsigned 128-bit integer');
      return b.toString();
    }
    throw new TypeError(what + ' must be a bigint, number or decimal string');
  };
  return {
    storageRead: (key) => (typeof key === 'string' && key.indexOf('\0') < 0 ? txt(h.storageReadText(key)) : txt(h.storageRead(toWire(key, 'key'), 1))),
    storageReadBytes: (key) => bytes(h.storageRead(toWire(key, 'key'), 0)),
    storageWrite: (key, value) => h.storageWrite(toWire(key, 'key'), toWire(value, 'value')),
    storageRemove: (key) => h.storageRemove(toWire(key, 'key')),
    storageHasKey: (key) => h.storageHasKey(toWire(key, 'key')),
    currentAccountId: () => h.context(0),
    signerAccountId: () => h.context(1),
    predecessorAccountId: () => h.context(2),
    blockTimestamp: () => BigInt(h.context(3)),
    blockHeight: () => BigInt(h.context(4)),
    attachedDeposit: () => BigInt(h.context(5)),
    accountBalance: () => BigInt(h.context(6)),
    storageUsage: () => BigInt(h.context(7)),
    ed25519Verify: (signature, message, publicKey) => h.ed25519Verify(toWire(signature, 'signature'), toWire(message, 'message'), toWire(publicKey, 'publicKey')),
    randomSeed: () => bytes(h.randomSeed()),
    log: (...args) => { h.log(str(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '))); },
    sha256: (data) => bytes(h.hash(toWire(data, 'data'), 0)),
    keccak256: (data) => bytes(h.hash(toWire(data, 'data'), 1)),
    input: () => txt(h.input()),
    valueReturn: (value) => { h.valueReturn(toWire(value, 'value')); },
    panic: (message) => { h.panic(message === undefined ? '' : str(String(message))); throw new Error('near.panic'); },
    promiseCreate: (accountId, methodName, args, amount, gas) =>
      BigInt(h.promise(-1, String(accountId), String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(amount, 'amount'), u128(gas, 'gas'))),
    promiseThen: (promiseIndex, accountId, methodName, args, amount, gas) =>
      BigInt(h.promise(Number(promiseIndex), String(accountId), String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(amount, 'amount'), u128(gas, 'gas'))),
    promiseAnd: (...promiseIndices) => BigInt(h.promiseAnd(promiseIndices.map((i) => String(Number(i))).join(','))),
    promiseBatchCreate: (accountId) => BigInt(h.promiseBatch(-1, String(accountId))),
    promiseBatchThen: (promiseIndex, accountId) => BigInt(h.promiseBatch(Number(promiseIndex), String(accountId))),
    promiseBatchActionFunctionCall: (promiseIndex, methodName, args, amount, gas) => {
      h.promiseActionFunctionCall(Number(promiseIndex), String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(amount, 'amount'), u128(gas, 'gas'), '0');
    },
    promiseBatchActionFunctionCallWeight: (promiseIndex, methodName, args, amount, gas, weight) => {
      h.promiseActionFunctionCall(Number(promiseIndex), String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(amount, 'amount'), u128(gas, 'gas'), u128(weight, 'weight'));
    },
    promiseBatchActionTransfer: (promiseIndex, amount) => { h.promiseActionTransfer(Number(promiseIndex), u128(amount, 'amount')); },
    promiseBatchActionCreateAccount: (promiseIndex) => { h.promiseActionCreateAccount(Number(promiseIndex)); },
    promiseBatchActionDeployContract: (promiseIndex, code) => { h.promiseActionDeployContract(Number(promiseIndex), toWire(code, 'code')); },
    promiseBatchActionAddKeyWithFullAccess: (promiseIndex, publicKey, nonce) => {
      h.promiseActionAddKey(Number(promiseIndex), String(publicKey), u128(nonce, 'nonce'), 0, '', '', '');
    },
    promiseBatchActionAddKeyWithFunctionCall: (promiseIndex, publicKey, nonce, allowance, receiverId, methodNames) => {
      const a = allowance === null || allowance === undefined ? '0' : u128(allowance, 'allowance');
      const methods = Array.isArray(methodNames) ? methodNames.map(String).join(',') : methodNames === undefined || methodNames === null ? '' : String(methodNames);
      h.promiseActionAddKey(Number(promiseIndex), String(publicKey), u128(nonce, 'nonce'), 1, a === '0' ? '' : a, String(receiverId), methods);
    },
    promiseBatchActionDeleteKey: (promiseIndex, publicKey) => { h.promiseActionDeleteKey(Number(promiseIndex), String(publicKey)); },
    promiseBatchActionDeleteAccount: (promiseIndex, beneficiaryId) => { h.promiseActionDeleteAccount(Number(promiseIndex), String(beneficiaryId)); },
    promiseYieldCreate: (methodName, args, gas, gasWeight) => {
      const i = h.promiseYieldCreate(String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(gas, 'gas'), u128(gasWeight, 'gasWeight'));
      return Object.freeze({ promiseIndex: BigInt(i), dataId: bytes(h.yieldDataId(i)) });
    },
    promiseYieldResume: (dataId, payload) => h.promiseYieldResume(toWire(dataId, 'dataId'), toWire(payload === undefined ? '' : payload, 'payload')),
    promiseReturn: (promiseIndex) => { h.promiseReturn(Number(promiseIndex)); },
    promiseResultsCount: () => h.promiseResultsCount(),
    promiseResult: (i) => txt(h.promiseResult(Number(i), 1)),
    promiseResultBytes: (i) => bytes(h.promiseResult(Number(i), 0)),
  };
})`;
