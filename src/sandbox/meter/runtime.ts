/**
 * The host side of the meter: sets the budget on an instrumented instance, charges host work,
 * reads `fuel_used`, and tells why a guest stopped. Shared by every runtime built on L1 (WASI
 * commands here, QuickJS in src/js).
 */
import type { ResultErrorKind } from '../../errors.js';
import { GuestAbort, GuestExit } from '../signals.js';
import { DEPTH_EXPORT, FUEL_EXPORT, STACK_LIMIT_SLOTS } from './costs.js';

export type StopReason =
  | { kind: 'exit'; code: number }
  | { kind: Exclude<ResultErrorKind, 'exit'>; message: string };

export class FuelMeter {
  private fuel: WebAssembly.Global | null = null;
  private depth: WebAssembly.Global | null = null;

  constructor(readonly budget: bigint) {}

  /** Binds to a freshly instantiated module and loads the budget. */
  attach(instance: WebAssembly.Instance): void {
    const fuel = instance.exports[FUEL_EXPORT];
    const depth = instance.exports[DEPTH_EXPORT];
    if (!(fuel instanceof WebAssembly.Global) || !(depth instanceof WebAssembly.Global)) {
      throw new Error('instance was not instrumented by the meter');
    }
    this.fuel = fuel;
    this.depth = depth;
    fuel.value = this.budget;
  }

  private remaining(): bigint {
    return this.fuel ? (this.fuel.value as bigint) : this.budget;
  }

  /** Fuel consumed so far, clamped to the budget. Exact at every call boundary. */
  used(): bigint {
    const left = this.remaining();
    return left <= 0n ? this.budget : this.budget - left;
  }

  /**
   * True when the meter itself stopped the guest (fuel spent or stack limit passed). A trap can
   * be swallowed by glue code between host and guest; the instance must then be discarded.
   */
  tripped(): boolean {
    return this.remaining() < 0n || (this.depth !== null && (this.depth.value as number) > STACK_LIMIT_SLOTS);
  }

  /** Charges host work (WASI calls, bytes moved); stops the guest when the budget is spent. */
  charge(amount: number): void {
    if (!this.fuel || amount <= 0) return;
    const left = (this.fuel.value as bigint) - BigInt(amount);
    this.fuel.value = left;
    if (left < 0n) throw new GuestAbort('out_of_fuel', `instruction budget of ${this.budget} exhausted`);
  }

  /**
   * Maps what a guest call threw to a stop reason, or rethrows a host bug. A trap is attributed
   * to fuel or stack when the meter's own counters show they ran out (the meter traps with
   * `unreachable` after writing them).
   */
  classify(error: unknown): StopReason {
    if (error instanceof GuestExit) return { kind: 'exit', code: error.code };
    if (error instanceof GuestAbort) return { kind: error.kind, message: error.message };
    if (this.remaining() < 0n) return { kind: 'out_of_fuel', message: `instruction budget of ${this.budget} exhausted` };
    if (this.depth && (this.depth.value as number) > STACK_LIMIT_SLOTS) {
      return { kind: 'stack_overflow', message: `call stack exceeded the deterministic limit of ${STACK_LIMIT_SLOTS} slots` };
    }
    if (error instanceof WebAssembly.RuntimeError) return { kind: 'trap', message: error.message };
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      // Should be unreachable: the deterministic limit is sized well inside V8's stack.
      return { kind: 'stack_overflow', message: `host stack exhausted before the deterministic limit: ${error.message}` };
    }
    throw error;
  }
}
