/**
 * Host functions for promises (nearcore's "Promises API"): the DAG of receipts a call creates,
 * their actions, callbacks' promise results, and yield/resume. Nothing is executed here; the
 * result lists the promises and the chain turns them into receipts.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { accountIdType } from '../codec/account-id.js';
import type { PublicKey } from '../codec/keys.js';
import { ACTION_FEES, EXT, LIMITS, type Fee } from './costs.js';
import { hostError, integerOverflow } from './errors.js';
import type { NearVM } from './logic.js';
import type { ContractPromise, PromiseAction } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

const invalidPromiseIndex = (index: bigint) => hostError('InvalidPromiseIndex', `${index} does not correspond to existing promises`);
const emptyMethodName = () => hostError('EmptyMethodName', 'Tried to call an empty method name.');

function promiseAt(vm: NearVM, index: bigint): ContractPromise {
  const promise = index < BigInt(vm.promises.length) ? vm.promises[Number(index)] : undefined;
  if (!promise) throw invalidPromiseIndex(index);
  return promise;
}

/** The receipt promise actions are appended to (nearcore's `promise_idx_to_receipt_idx_with_sir`). */
function receiptAt(vm: NearVM, index: bigint): ContractPromise {
  const promise = promiseAt(vm, index);
  if (promise.kind === 'and') throw hostError('CannotAppendActionToJointPromise', 'Actions can only be appended to non-joint promise.');
  return promise;
}

function push(vm: NearVM, promise: Omit<ContractPromise, 'index'>): bigint {
  const index = vm.promises.length;
  vm.promises.push({ index, ...promise });
  const limit = LIMITS.max_promises_per_function_call_action;
  if (vm.promises.length > limit) {
    throw hostError('NumberPromisesExceeded', `The number of promises within a FunctionCall ${vm.promises.length} exceeds the limit ${limit}`);
  }
  return BigInt(index);
}

/** nearcore's `pay_gas_for_new_receipt`: the receipt's fee, plus a data receipt per dependency. */
function payNewReceipt(vm: NearVM, dependencies: number): void {
  let burn = ACTION_FEES.new_action_receipt.send;
  for (let i = 0; i < dependencies; i++) burn += ACTION_FEES.new_data_receipt_base.send + ACTION_FEES.new_data_receipt_base.exec;
  vm.gas.accumulate(burn, burn + ACTION_FEES.new_action_receipt.exec);
}

function payAction(vm: NearVM, fee: Fee, units = 1n): void {
  vm.gas.accumulate(fee.send * units, (fee.send + fee.exec) * units);
}

function deduct(vm: NearVM, amount: bigint): void {
  if (amount > vm.balance) throw hostError('BalanceExceeded', 'Exceeded the account balance.');
  vm.balance -= amount;
}

/** A borsh `PublicKey` (0 + 32 bytes ed25519, 1 + 64 bytes secp256k1), or null. */
function decodePublicKey(bytes: Uint8Array): PublicKey | null {
  if (bytes[0] === 0 && bytes.length === 33) return { keyType: 'ed25519', data: bytes.slice(1) };
  if (bytes[0] === 1 && bytes.length === 65) return { keyType: 'secp256k1', data: bytes.slice(1) };
  return null;
}

/** Decoded late, as nearcore does, so other errors are reported first. */
function publicKey(bytes: Uint8Array): PublicKey {
  const key = decodePublicKey(bytes);
  if (!key) throw hostError('InvalidPublicKey', 'VM Logic provided an invalid public key');
  return key;
}

function append(promise: ContractPromise, action: PromiseAction): void {
  promise.actions.push(action);
}

/** nearcore's `split_method_names`: comma-separated, none empty; empty input means "any method". */
function splitMethodNames(raw: Uint8Array): string[] {
  if (raw.length === 0) return [];
  const names: string[] = [];
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i < raw.length && raw[i] !== 0x2c) continue;
    if (i === start) throw emptyMethodName();
    try {
      names.push(utf8.decode(raw.subarray(start, i)));
    } catch {
      throw hostError('BadUTF8', 'String encoding is bad UTF-8 sequence.');
    }
    start = i + 1;
  }
  return names;
}

function functionCallWeight(vm: NearVM, index: bigint, methodLen: bigint, methodPtr: bigint, argsLen: bigint, argsPtr: bigint, amountPtr: bigint, gas: bigint, gasWeight: bigint): void {
  vm.gas.pay(EXT.base);
  vm.notInView('promise_batch_action_function_call');
  const amount = vm.memory.getU128(amountPtr);
  const method = vm.memOrReg(methodPtr, methodLen);
  if (method.length === 0) throw emptyMethodName();
  const args = vm.memOrReg(argsPtr, argsLen).slice();
  const receipt = receiptAt(vm, index);
  payAction(vm, ACTION_FEES.function_call_base);
  payAction(vm, ACTION_FEES.function_call_byte, BigInt(method.length + args.length));
  vm.gas.prepay(gas);
  deduct(vm, amount);
  let methodName: string;
  try {
    methodName = utf8.decode(method);
  } catch {
    throw hostError('InvalidMethodName', 'VM Logic returned an invalid method name');
  }
  append(receipt, { type: 'FunctionCall', methodName, args, deposit: amount, gas, gasWeight });
}

function batchCreate(vm: NearVM, accountLen: bigint, accountPtr: bigint): bigint {
  vm.gas.pay(EXT.base);
  vm.notInView('promise_batch_create');
  const receiverId = vm.accountId(accountPtr, accountLen);
  payNewReceipt(vm, 0);
  return push(vm, { kind: 'receipt', receiverId, dependsOn: [], actions: [], yieldDataId: null });
}

function batchThen(vm: NearVM, index: bigint, accountLen: bigint, accountPtr: bigint): bigint {
  vm.gas.pay(EXT.base);
  vm.notInView('promise_batch_then');
  const receiverId = vm.accountId(accountPtr, accountLen);
  const after = promiseAt(vm, index);
  const dependsOn = after.kind === 'and' ? [...after.dependsOn] : [after.index];
  payNewReceipt(vm, dependsOn.length);
  return push(vm, { kind: 'receipt', receiverId, dependsOn, actions: [], yieldDataId: null });
}

export const PROMISE_FNS = {
  promise_create(vm: NearVM, accountLen: bigint, accountPtr: bigint, methodLen: bigint, methodPtr: bigint, argsLen: bigint, argsPtr: bigint, amountPtr: bigint, gas: bigint): bigint {
    const index = batchCreate(vm, accountLen, accountPtr);
    functionCallWeight(vm, index, methodLen, methodPtr, argsLen, argsPtr, amountPtr, gas, 0n);
    return index;
  },
  promise_then(vm: NearVM, after: bigint, accountLen: bigint, accountPtr: bigint, methodLen: bigint, methodPtr: bigint, argsLen: bigint, argsPtr: bigint, amountPtr: bigint, gas: bigint): bigint {
    const index = batchThen(vm, after, accountLen, accountPtr);
    functionCallWeight(vm, index, methodLen, methodPtr, argsLen, argsPtr, amountPtr, gas, 0n);
    return index;
  },
  /** Joins promises; reads `count` little-endian u64 indices at `ptr`. */
  promise_and(vm: NearVM, ptr: bigint, count: bigint): bigint {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_and');
    vm.gas.pay(EXT.promise_and_base);
    const bytes = count * 8n;
    if (bytes > (1n << 64n) - 1n) throw integerOverflow();
    vm.gas.payPer(EXT.promise_and_per_promise, bytes);
    const raw = vm.memory.view(ptr, bytes);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const dependsOn: number[] = [];
    for (let i = 0; i < raw.length; i += 8) {
      const joined = promiseAt(vm, view.getBigUint64(i, true));
      dependsOn.push(...(joined.kind === 'and' ? joined.dependsOn : [joined.index]));
      const limit = LIMITS.max_number_input_data_dependencies;
      if (dependsOn.length > limit) {
        throw hostError('NumberInputDataDependenciesExceeded', `The number of input data dependencies ${dependsOn.length} exceeds the limit ${limit}`);
      }
    }
    return push(vm, { kind: 'and', receiverId: '', dependsOn, actions: [], yieldDataId: null });
  },
  promise_batch_create: batchCreate,
  promise_batch_then: batchThen,

  promise_batch_action_create_account(vm: NearVM, index: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_batch_action_create_account');
    const receipt = receiptAt(vm, index);
    payAction(vm, ACTION_FEES.create_account);
    append(receipt, { type: 'CreateAccount' });
  },
  promise_batch_action_deploy_contract(vm: NearVM, index: bigint, codeLen: bigint, codePtr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_batch_action_deploy_contract');
    const code = vm.memOrReg(codePtr, codeLen).slice();
    if (BigInt(code.length) > LIMITS.max_contract_size) {
      throw hostError('ContractSizeExceeded', `The size of a contract code in DeployContract action ${code.length} exceeds the limit ${LIMITS.max_contract_size}`);
    }
    const receipt = receiptAt(vm, index);
    payAction(vm, ACTION_FEES.deploy_contract_base);
    payAction(vm, ACTION_FEES.deploy_contract_byte, BigInt(code.length));
    append(receipt, { type: 'DeployContract', code });
  },
  promise_batch_action_function_call(vm: NearVM, index: bigint, methodLen: bigint, methodPtr: bigint, argsLen: bigint, argsPtr: bigint, amountPtr: bigint, gas: bigint): void {
    functionCallWeight(vm, index, methodLen, methodPtr, argsLen, argsPtr, amountPtr, gas, 0n);
  },
  promise_batch_action_function_call_weight: functionCallWeight,
  promise_batch_action_transfer(vm: NearVM, index: bigint, amountPtr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_batch_action_transfer');
    const amount = vm.memory.getU128(amountPtr);
    const receipt = receiptAt(vm, index);
    payAction(vm, ACTION_FEES.transfer);
    // A transfer to a NEAR-implicit account that may not exist also pays for creating it.
    if (accountIdType(receipt.receiverId) === 'near-implicit') {
      payAction(vm, ACTION_FEES.create_account);
      payAction(vm, ACTION_FEES.add_full_access_key);
    }
    deduct(vm, amount);
    append(receipt, { type: 'Transfer', deposit: amount });
  },
  promise_batch_action_stake(vm: NearVM, index: bigint, amountPtr: bigint, keyLen: bigint, keyPtr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_batch_action_stake');
    const stake = vm.memory.getU128(amountPtr);
    const key = vm.memOrReg(keyPtr, keyLen);
    const receipt = receiptAt(vm, index);
    payAction(vm, ACTION_FEES.stake);
    append(receipt, { type: 'Stake', stake, publicKey: publicKey(key) });
  },
  promise_batch_action_add_key_with_full_access(vm: NearVM, index: bigint, keyLen: bigint, keyPtr: bigint, nonce: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_batch_action_add_key_with_full_access');
    const key = vm.memOrReg(keyPtr, keyLen);
    const receipt = receiptAt(vm, index);
    payAction(vm, ACTION_FEES.add_full_access_key);
    append(receipt, { type: 'AddKey', publicKey: publicKey(key), accessKey: { nonce, permission: { kind: 'FullAccess' } } });
  },
  promise_batch_action_add_key_with_function_call(
    vm: NearVM,
    index: bigint,
    keyLen: bigint,
    keyPtr: bigint,
    nonce: bigint,
    allowancePtr: bigint,
    receiverLen: bigint,
    receiverPtr: bigint,
    namesLen: bigint,
    namesPtr: bigint,
  ): void {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_batch_action_add_key_with_function_call');
    const key = vm.memOrReg(keyPtr, keyLen);
    const allowance = vm.memory.getU128(allowancePtr);
    const receiverId = vm.accountId(receiverPtr, receiverLen);
    const methodNames = splitMethodNames(vm.memOrReg(namesPtr, namesLen));
    const receipt = receiptAt(vm, index);
    const bytes = methodNames.reduce((n, name) => n + BigInt(encoder.encode(name).length) + 1n, 0n);
    payAction(vm, ACTION_FEES.add_function_call_key_base);
    payAction(vm, ACTION_FEES.add_function_call_key_byte, bytes);
    append(receipt, {
      type: 'AddKey',
      publicKey: publicKey(key),
      accessKey: { nonce, permission: { kind: 'FunctionCall', allowance: allowance > 0n ? allowance : null, receiverId, methodNames } },
    });
  },
  promise_batch_action_delete_key(vm: NearVM, index: bigint, keyLen: bigint, keyPtr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_batch_action_delete_key');
    const key = vm.memOrReg(keyPtr, keyLen);
    const receipt = receiptAt(vm, index);
    payAction(vm, ACTION_FEES.delete_key);
    append(receipt, { type: 'DeleteKey', publicKey: publicKey(key) });
  },
  promise_batch_action_delete_account(vm: NearVM, index: bigint, beneficiaryLen: bigint, beneficiaryPtr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_batch_action_delete_account');
    const beneficiaryId = vm.accountId(beneficiaryPtr, beneficiaryLen);
    const receipt = receiptAt(vm, index);
    payAction(vm, ACTION_FEES.delete_account);
    append(receipt, { type: 'DeleteAccount', beneficiaryId });
  },

  /**
   * A callback on the current account that waits for `promise_yield_resume` (or the chain's
   * timeout). The 32-byte data id goes into `register`: sha256 of the call's random seed, the
   * account and a per-call counter, so it is deterministic and unique when seeds are.
   */
  promise_yield_create(vm: NearVM, methodLen: bigint, methodPtr: bigint, argsLen: bigint, argsPtr: bigint, gas: bigint, gasWeight: bigint, register: bigint): bigint {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_yield_create');
    vm.gas.pay(EXT.yield_create_base);
    const method = vm.memOrReg(methodPtr, methodLen);
    if (method.length === 0) throw emptyMethodName();
    const args = vm.memOrReg(argsPtr, argsLen).slice();
    const bytes = BigInt(method.length + args.length);
    vm.gas.payPer(EXT.yield_create_byte, bytes);
    vm.gas.prepay(gas);
    payNewReceipt(vm, 1);
    const counter = new Uint8Array(8);
    new DataView(counter.buffer).setBigUint64(0, BigInt(vm.yieldsCreated++), true);
    const account = encoder.encode(vm.context.currentAccountId);
    const dataId = sha256(new Uint8Array([...encoder.encode('outlayer:yield:'), ...vm.context.randomSeed, ...counter, ...account]));
    const receiverId = vm.context.currentAccountId;
    const index = push(vm, { kind: 'receipt', receiverId, dependsOn: [], actions: [], yieldDataId: dataId });
    payAction(vm, ACTION_FEES.function_call_base);
    payAction(vm, ACTION_FEES.function_call_byte, bytes);
    let methodName: string;
    try {
      methodName = utf8.decode(method);
    } catch {
      throw hostError('InvalidMethodName', 'VM Logic returned an invalid method name');
    }
    append(vm.promises[Number(index)]!, { type: 'FunctionCall', methodName, args, deposit: 0n, gas, gasWeight });
    vm.registers.set(register, dataId);
    return index;
  },
  /** Returns 1 when the payload was accepted for a pending yield, else 0 (i32, as nearcore's u32). */
  promise_yield_resume(vm: NearVM, dataIdLen: bigint, dataIdPtr: bigint, payloadLen: bigint, payloadPtr: bigint): number {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_submit_data'); // nearcore's name for it in this error
    vm.gas.pay(EXT.yield_resume_base);
    vm.gas.payPer(EXT.yield_resume_byte, payloadLen);
    const dataId = vm.memOrReg(dataIdPtr, dataIdLen).slice();
    const payload = vm.memOrReg(payloadPtr, payloadLen).slice();
    if (BigInt(payload.length) > LIMITS.max_yield_payload_size) {
      throw hostError('YieldPayloadLength', `Yield resume payload is ${payload.length} bytes which exceeds the ${LIMITS.max_yield_payload_size} byte limit`);
    }
    if (dataId.length !== 32) throw hostError('DataIdMalformed', 'yield resumption token is malformed');
    const already = vm.yieldResumes.some((r) => r.dataId.every((b, i) => b === dataId[i]));
    if (already || !vm.isYieldPending(dataId)) return 0;
    vm.yieldResumes.push({ dataId, payload });
    return 1;
  },

  promise_results_count(vm: NearVM): bigint {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_results_count');
    return BigInt(vm.promiseResults.length);
  },
  /** 0 not ready, 1 successful (value into `register`), 2 failed. */
  promise_result(vm: NearVM, index: bigint, register: bigint): bigint {
    vm.gas.pay(EXT.base);
    vm.notInView('promise_result');
    const result = index < BigInt(vm.promiseResults.length) ? vm.promiseResults[Number(index)] : undefined;
    if (!result) throw hostError('InvalidPromiseResultIndex', `Accessed invalid promise result index: ${index}`);
    if (result.status === 'notReady') return 0n;
    if (result.status === 'failed') return 2n;
    vm.registers.set(register, result.value);
    return 1n;
  },
  promise_return(vm: NearVM, index: bigint): void {
    vm.gas.pay(EXT.base);
    vm.gas.pay(EXT.promise_return);
    vm.notInView('promise_return');
    const promise = promiseAt(vm, index);
    if (promise.kind === 'and') throw hostError('CannotReturnJointPromise', 'Returning joint promise is currently prohibited.');
    vm.returnData = { kind: 'promise', index: promise.index };
  },
};
