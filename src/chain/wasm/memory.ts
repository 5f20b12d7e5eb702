/**
 * Guest linear memory as host functions see it (nearcore's `vmstate::Memory`): every access is
 * bounds-checked with u64 arithmetic and paid for before it happens, and a bad pointer becomes
 * `MemoryAccessViolation`, never a host exception. The buffer is re-read on every access
 * because `memory.grow` detaches the old one.
 */
import { EXT } from './costs.js';
import { memoryAccessViolation } from './errors.js';
import type { GasCounter } from './gas.js';

export class GuestMemory {
  constructor(
    private readonly memory: WebAssembly.Memory | null,
    private readonly gas: GasCounter,
  ) {}

  private bytes(): Uint8Array {
    return this.memory ? new Uint8Array(this.memory.buffer) : new Uint8Array(0);
  }

  /** The bytes at [ptr, ptr + len), or MemoryAccessViolation. Not charged. */
  private slice(ptr: bigint, len: bigint): Uint8Array {
    const mem = this.bytes();
    if (ptr + len > BigInt(mem.length)) throw memoryAccessViolation();
    return mem.subarray(Number(ptr), Number(ptr + len));
  }

  /** A copy of guest memory: `read_memory_base + read_memory_byte × len`. */
  view(ptr: bigint, len: bigint): Uint8Array {
    this.gas.pay(EXT.read_memory_base);
    this.gas.payPer(EXT.read_memory_byte, len);
    return this.slice(ptr, len).slice();
  }

  /** Like `view` but free (nearcore's `view_for_free`, used after a paid length scan). */
  viewFree(ptr: bigint, len: bigint): Uint8Array {
    return this.slice(ptr, len).slice();
  }

  /** Writes `data` at `ptr`: `write_memory_base + write_memory_byte × len`. */
  set(ptr: bigint, data: Uint8Array): void {
    this.gas.pay(EXT.write_memory_base);
    this.gas.payPer(EXT.write_memory_byte, BigInt(data.length));
    this.slice(ptr, BigInt(data.length)).set(data);
  }

  private getLe(ptr: bigint, size: number): bigint {
    const bytes = this.view(ptr, BigInt(size));
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
    return v;
  }

  getU8(ptr: bigint): number {
    return Number(this.getLe(ptr, 1));
  }

  getU16(ptr: bigint): number {
    return Number(this.getLe(ptr, 2));
  }

  getU32(ptr: bigint): number {
    return Number(this.getLe(ptr, 4));
  }

  getU64(ptr: bigint): bigint {
    return this.getLe(ptr, 8);
  }

  /** u128 little-endian, as nearcore reads amounts. */
  getU128(ptr: bigint): bigint {
    return this.getLe(ptr, 16);
  }

  setU128(ptr: bigint, value: bigint): void {
    this.set(ptr, u128Bytes(value));
  }
}

/** The 16 little-endian bytes of a u128. */
export function u128Bytes(value: bigint): Uint8Array {
  const out = new Uint8Array(16);
  let v = BigInt.asUintN(128, value);
  for (let i = 0; i < 16; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
