/**
 * Registers: host-side byte buffers the guest names by any u64 id (nearcore's
 * `vmstate::Registers`). Reading an unset register is `InvalidRegisterId`; limits on size,
 * count and total usage are `MemoryAccessViolation`, as in nearcore — including its quirk
 * that once 100 registers exist, even replacing one fails.
 */
import { EXT, LIMITS } from './costs.js';
import { hostError, memoryAccessViolation } from './errors.js';
import type { GasCounter } from './gas.js';

export class Registers {
  private readonly values = new Map<bigint, Uint8Array>();
  private usage = 0n;

  constructor(private readonly gas: GasCounter) {}

  /** The register's bytes (not a copy): `read_register_base + read_register_byte × len`. */
  get(id: bigint): Uint8Array {
    const data = this.values.get(id);
    if (!data) throw hostError('InvalidRegisterId', `Accessed invalid register id: ${id}`);
    this.gas.pay(EXT.read_register_base);
    this.gas.payPer(EXT.read_register_byte, BigInt(data.length));
    return data;
  }

  /** The length, or null when the register is unset. Free (the caller pays `base`). */
  len(id: bigint): bigint | null {
    const data = this.values.get(id);
    return data ? BigInt(data.length) : null;
  }

  /** Stores a copy of `data`: `write_register_base + write_register_byte × len`. */
  set(id: bigint, data: Uint8Array): void {
    const len = BigInt(data.length);
    this.gas.pay(EXT.write_register_base);
    this.gas.payPer(EXT.write_register_byte, len);
    if (len > LIMITS.max_register_size) throw memoryAccessViolation();
    if (this.values.size >= LIMITS.max_number_registers) throw memoryAccessViolation();
    const old = this.values.get(id);
    const usage = this.usage - (old ? BigInt(old.length) + 8n : 0n) + len + 8n;
    if (usage > LIMITS.registers_memory_limit) throw memoryAccessViolation();
    this.usage = usage;
    this.values.set(id, data.slice());
  }
}
