/**
 * Host functions for contract storage (nearcore's "Storage API"). Writes go to the call's
 * overlay (logic.ts); `storage_usage` follows nearcore's accounting: a new key adds
 * key + value + 40 bytes, an overwrite adds the size difference, a removal takes it all back.
 */
import { EXT, LIMITS } from './costs.js';
import { hostError } from './errors.js';
import type { NearVM } from './logic.js';

function readKey(vm: NearVM, len: bigint, ptr: bigint): Uint8Array {
  const key = vm.memOrReg(ptr, len);
  if (BigInt(key.length) > LIMITS.max_length_storage_key) {
    throw hostError('KeyLengthExceeded', `The length of a storage key ${key.length} exceeds the limit ${LIMITS.max_length_storage_key}`);
  }
  return key;
}

const deprecated = (method: string) => hostError('Deprecated', `Attempted to call deprecated host function ${method}`);

export const STORAGE_FNS = {
  /** Returns 1 and puts the old value into `register` when the key existed, else 0. */
  storage_write(vm: NearVM, keyLen: bigint, keyPtr: bigint, valueLen: bigint, valuePtr: bigint, register: bigint): bigint {
    vm.gas.pay(EXT.base);
    vm.notInView('storage_write');
    vm.gas.pay(EXT.storage_write_base);
    const key = readKey(vm, keyLen, keyPtr);
    const value = vm.memOrReg(valuePtr, valueLen);
    if (BigInt(value.length) > LIMITS.max_length_storage_value) {
      throw hostError('ValueLengthExceeded', `The length of a storage value ${value.length} exceeds the limit ${LIMITS.max_length_storage_value}`);
    }
    vm.gas.payPer(EXT.storage_write_key_byte, BigInt(key.length));
    vm.gas.payPer(EXT.storage_write_value_byte, BigInt(value.length));
    const old = vm.storagePut(key, value);
    if (old) {
      vm.gas.payPer(EXT.storage_write_evicted_byte, BigInt(old.length));
      vm.storageUsage += BigInt(value.length) - BigInt(old.length);
      vm.registers.set(register, old);
      return 1n;
    }
    vm.storageUsage += BigInt(value.length + key.length) + LIMITS.storage_num_extra_bytes_record;
    return 0n;
  },
  /** Returns 1 and puts the value into `register` when the key exists, else 0. */
  storage_read(vm: NearVM, keyLen: bigint, keyPtr: bigint, register: bigint): bigint {
    vm.gas.pay(EXT.base);
    vm.gas.pay(EXT.storage_read_base);
    const key = readKey(vm, keyLen, keyPtr);
    vm.gas.payPer(EXT.storage_read_key_byte, BigInt(key.length));
    const value = vm.storageGet(key);
    if (!value) return 0n;
    vm.gas.payPer(EXT.storage_read_value_byte, BigInt(value.length));
    vm.registers.set(register, value);
    return 1n;
  },
  /** Returns 1 and puts the removed value into `register` when the key existed, else 0. */
  storage_remove(vm: NearVM, keyLen: bigint, keyPtr: bigint, register: bigint): bigint {
    vm.gas.pay(EXT.base);
    vm.notInView('storage_remove');
    vm.gas.pay(EXT.storage_remove_base);
    const key = readKey(vm, keyLen, keyPtr);
    vm.gas.payPer(EXT.storage_remove_key_byte, BigInt(key.length));
    if (!vm.storageGet(key)) return 0n;
    const old = vm.storagePut(key, null)!;
    vm.gas.payPer(EXT.storage_remove_ret_value_byte, BigInt(old.length));
    vm.storageUsage -= BigInt(old.length + key.length) + LIMITS.storage_num_extra_bytes_record;
    vm.registers.set(register, old);
    return 1n;
  },
  storage_has_key(vm: NearVM, keyLen: bigint, keyPtr: bigint): bigint {
    vm.gas.pay(EXT.base);
    vm.gas.pay(EXT.storage_has_key_base);
    const key = readKey(vm, keyLen, keyPtr);
    vm.gas.payPer(EXT.storage_has_key_byte, BigInt(key.length));
    return vm.storageGet(key) ? 1n : 0n;
  },
  // Removed from nearcore but still linked, so old contracts deploy and fail only if they call them.
  storage_iter_prefix(): bigint {
    throw deprecated('storage_iter_prefix');
  },
  storage_iter_range(): bigint {
    throw deprecated('storage_iter_range');
  },
  storage_iter_next(): bigint {
    throw deprecated('storage_iter_next');
  },
};
