/**
 * Host functions for the call's outcome: return value, logs and panics (nearcore's
 * "Miscellaneous API"), including AssemblyScript's `abort`.
 */
import { EXT, LIMITS } from './costs.js';
import { badUtf16, guestPanic, hostError } from './errors.js';
import type { NearVM } from './logic.js';

const encoder = new TextEncoder();

/** log_utf8 / log_utf16: the same charges and checks, only the decoding differs. */
function log(vm: NearVM, read: () => string): void {
  vm.gas.pay(EXT.base);
  vm.checkCanLog();
  const message = read();
  vm.gas.pay(EXT.log_base);
  vm.gas.payPer(EXT.log_byte, BigInt(encoder.encode(message).length));
  vm.pushLog(message);
}

export const MISC_FNS = {
  value_return(vm: NearVM, len: bigint, ptr: bigint): void {
    vm.gas.pay(EXT.base);
    const value = vm.memOrReg(ptr, len);
    if (BigInt(value.length) > LIMITS.max_length_returned_data) {
      throw hostError('ReturnedValueLengthExceeded', `The length of a returned value ${value.length} exceeds the limit ${LIMITS.max_length_returned_data}`);
    }
    vm.returnData = { kind: 'value', value: value.slice() };
  },
  panic(vm: NearVM): void {
    vm.gas.pay(EXT.base);
    throw guestPanic('explicit guest panic');
  },
  panic_utf8(vm: NearVM, len: bigint, ptr: bigint): void {
    vm.gas.pay(EXT.base);
    throw guestPanic(vm.utf8String(len, ptr));
  },
  log_utf8(vm: NearVM, len: bigint, ptr: bigint): void {
    log(vm, () => vm.utf8String(len, ptr));
  },
  log_utf16(vm: NearVM, len: bigint, ptr: bigint): void {
    log(vm, () => vm.utf16String(len, ptr));
  },
  /**
   * AssemblyScript's runtime calls `env.abort(msg, file, line, col)` with pointers to its UTF-16
   * strings, whose byte length is the u32 just before them. Logs `ABORT: …` and panics.
   */
  abort(vm: NearVM, msgPtr: number, filePtr: number, line: number, col: number): void {
    vm.gas.pay(EXT.base);
    if (msgPtr < 4 || filePtr < 4) throw badUtf16();
    vm.checkCanLog();
    const msgLen = vm.memory.getU32(BigInt(msgPtr - 4));
    const fileLen = vm.memory.getU32(BigInt(filePtr - 4));
    const msg = vm.utf16String(BigInt(msgLen), BigInt(msgPtr));
    const file = vm.utf16String(BigInt(fileLen), BigInt(filePtr));
    const message = `${msg}, filename: "${file}" line: ${line} col: ${col}`;
    vm.gas.pay(EXT.log_base);
    vm.gas.payPer(EXT.log_byte, BigInt(encoder.encode(message).length));
    vm.pushLog(`ABORT: ${message}`);
    throw guestPanic(message);
  },
};
