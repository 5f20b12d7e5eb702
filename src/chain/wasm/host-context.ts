/**
 * Host functions for registers, the call's context, economics and hashing (nearcore's
 * "Registers API", "Context API", "Economics API" and "Math API"). Arguments arrive as u64
 * bigints (env.ts converts); each function pays what nearcore's does, in the same order.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256, keccak_512 } from '@noble/hashes/sha3.js';
import { EXT } from './costs.js';
import { hostError } from './errors.js';
import { U64_MAX, type NearVM } from './logic.js';
import type { WasmCallContext } from './types.js';

const encoder = new TextEncoder();

/** `signer_account_pk`'s register contents: the borsh `PublicKey` (key-type byte, then the key). */
function signerKeyBytes(context: WasmCallContext): Uint8Array {
  const key = context.signerPublicKey ?? { keyType: 'ed25519', data: new Uint8Array(32) };
  const out = new Uint8Array(1 + key.data.length);
  out[0] = key.keyType === 'ed25519' ? 0 : 1;
  out.set(key.data, 1);
  return out;
}

function hashInto(vm: NearVM, base: bigint, perByte: bigint, len: bigint, ptr: bigint, register: bigint, hash: (b: Uint8Array) => Uint8Array): void {
  vm.gas.pay(base);
  const value = vm.memOrReg(ptr, len);
  vm.gas.payPer(perByte, BigInt(value.length));
  vm.registers.set(register, hash(value));
}

export const CONTEXT_FNS = {
  read_register(vm: NearVM, register: bigint, ptr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.memory.set(ptr, vm.registers.get(register));
  },
  register_len(vm: NearVM, register: bigint): bigint {
    vm.gas.pay(EXT.base);
    return vm.registers.len(register) ?? U64_MAX;
  },
  write_register(vm: NearVM, register: bigint, len: bigint, ptr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.registers.set(register, vm.memory.view(ptr, len));
  },

  current_account_id(vm: NearVM, register: bigint): void {
    vm.gas.pay(EXT.base);
    vm.registers.set(register, encoder.encode(vm.context.currentAccountId));
  },
  signer_account_id(vm: NearVM, register: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('signer_account_id');
    vm.registers.set(register, encoder.encode(vm.context.signerAccountId));
  },
  signer_account_pk(vm: NearVM, register: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('signer_account_pk');
    vm.registers.set(register, signerKeyBytes(vm.context));
  },
  predecessor_account_id(vm: NearVM, register: bigint): void {
    vm.gas.pay(EXT.base);
    vm.notInView('predecessor_account_id');
    vm.registers.set(register, encoder.encode(vm.context.predecessorAccountId));
  },
  input(vm: NearVM, register: bigint): void {
    vm.gas.pay(EXT.base);
    vm.registers.set(register, vm.input);
  },
  block_index(vm: NearVM): bigint {
    vm.gas.pay(EXT.base);
    return vm.context.blockIndex;
  },
  /** Not a nearcore import: an OutLayer alias of `block_index` (nearcore kept the old name). */
  block_height(vm: NearVM): bigint {
    vm.gas.pay(EXT.base);
    return vm.context.blockIndex;
  },
  block_timestamp(vm: NearVM): bigint {
    vm.gas.pay(EXT.base);
    return vm.context.blockTimestampNs;
  },
  epoch_height(vm: NearVM): bigint {
    vm.gas.pay(EXT.base);
    return vm.context.epochHeight ?? 0n;
  },
  storage_usage(vm: NearVM): bigint {
    vm.gas.pay(EXT.base);
    return vm.storageUsage;
  },

  account_balance(vm: NearVM, ptr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.memory.setU128(ptr, vm.balance);
  },
  account_locked_balance(vm: NearVM, ptr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.memory.setU128(ptr, vm.context.accountLockedBalance ?? 0n);
  },
  attached_deposit(vm: NearVM, ptr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.memory.setU128(ptr, vm.context.attachedDeposit);
  },
  prepaid_gas(vm: NearVM): bigint {
    vm.gas.pay(EXT.base);
    vm.notInView('prepaid_gas');
    return vm.gas.prepaid;
  },
  used_gas(vm: NearVM): bigint {
    vm.gas.pay(EXT.base);
    vm.notInView('used_gas');
    return vm.gas.used();
  },
  /** The devnet has no validators: every stake is 0. */
  validator_stake(vm: NearVM, accountLen: bigint, accountPtr: bigint, stakePtr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.accountId(accountPtr, accountLen);
    vm.gas.pay(EXT.validator_stake_base);
    vm.memory.setU128(stakePtr, 0n);
  },
  validator_total_stake(vm: NearVM, stakePtr: bigint): void {
    vm.gas.pay(EXT.base);
    vm.gas.pay(EXT.validator_total_stake_base);
    vm.memory.setU128(stakePtr, 0n);
  },

  random_seed(vm: NearVM, register: bigint): void {
    vm.gas.pay(EXT.base);
    vm.registers.set(register, vm.context.randomSeed);
  },
  sha256(vm: NearVM, len: bigint, ptr: bigint, register: bigint): void {
    hashInto(vm, EXT.sha256_base, EXT.sha256_byte, len, ptr, register, sha256);
  },
  keccak256(vm: NearVM, len: bigint, ptr: bigint, register: bigint): void {
    hashInto(vm, EXT.keccak256_base, EXT.keccak256_byte, len, ptr, register, keccak_256);
  },
  keccak512(vm: NearVM, len: bigint, ptr: bigint, register: bigint): void {
    hashInto(vm, EXT.keccak512_base, EXT.keccak512_byte, len, ptr, register, keccak_512);
  },
  ripemd160(vm: NearVM, len: bigint, ptr: bigint, register: bigint): void {
    vm.gas.pay(EXT.ripemd160_base);
    const value = vm.memOrReg(ptr, len);
    // nearcore charges per 64-byte message block, padding included: (len + 8) / 64 + 1.
    vm.gas.payPer(EXT.ripemd160_block, BigInt(value.length + 8) / 64n + 1n);
    vm.registers.set(register, ripemd160(value));
  },
  ed25519_verify(vm: NearVM, sigLen: bigint, sigPtr: bigint, msgLen: bigint, msgPtr: bigint, keyLen: bigint, keyPtr: bigint): bigint {
    vm.gas.pay(EXT.ed25519_verify_base);
    const sig = vm.memOrReg(sigPtr, sigLen);
    if (sig.length !== 64) throw hostError('Ed25519VerifyInvalidInput', 'ED25519 signature verification error: invalid signature length');
    // ed25519-dalek 1's sanity check on the top bits of S, which nearcore keeps for stable costs.
    if ((sig[63]! & 0b1110_0000) !== 0) return 0n;
    const message = vm.memOrReg(msgPtr, msgLen);
    vm.gas.payPer(EXT.ed25519_verify_byte, BigInt(message.length));
    const key = vm.memOrReg(keyPtr, keyLen);
    if (key.length !== 32) throw hostError('Ed25519VerifyInvalidInput', 'ED25519 signature verification error: invalid public key length');
    try {
      return ed25519.verify(sig, message, key, { zip215: false }) ? 1n : 0n;
    } catch {
      return 0n; // a key that is not a curve point
    }
  },
};
