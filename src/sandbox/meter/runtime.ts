/**
 * The host side of the meter: sets the budget on an instrumented instance, charges host work,
 * reads `fuel_used`, and tells why a guest stopped. Shared by every runtime built on L1 (WASI
 * commands here, QuickJS in src/js).
 */
import type { ResultErrorKind } from '../../errors.js';
import { GuestAbort, GuestExit } from '../signals.js';
import { DEPTH_EXPORT, FUEL_EXPORT, STACK_LIMIT_SLOTS, STACK_TRIP_FUEL } from './costs.js';

export type StopReason =
  | { kind: 'exit'; code: number }
  | { kind: Exclude<ResultErrorKind, 'exit'>; message: string };

const STACK_MESSAGE = `call stack exceeded the deterministic limit of ${STACK_LIMIT_SLOTS} slots`;

export class FuelMeter {
  private fuel: WebAssembly.Global | null = null;
  /** Fuel used in slices before the current one (see `reload`); 0 for a run in one piece. */
  private spent = 0n;
  /** Fuel loaded at the start of the current slice: the budget, until `reload`. */
  private loaded: bigint;

  constructor(readonly budget: bigint) {
    this.loaded = budget;
  }

  /**
   * Binds to an instrumented instance and loads the budget. Also called between executions on
   * a reused instance (no guest frame is live then), so the stack height starts from 0 too.
   */
  attach(instance: WebAssembly.Instance): void {
    const fuel = instance.exports[FUEL_EXPORT];
    const depth = instance.exports[DEPTH_EXPORT];
    if (!(fuel instanceof WebAssembly.Global) || !(depth instanceof WebAssembly.Global)) {
      throw new Error('instance was not instrumented by the meter');
    }
    this.fuel = fuel;
    this.spent = 0n;
    this.loaded = this.budget;
    fuel.value = this.budget;
    depth.value = 0;
  }

  /**
   * Starts a new slice of a run that pauses (an asyncify-unwound guest, ../asyncify/run.ts):
   * what the guest used so far is kept, and `left` becomes the fuel the guest may spend from
   * here — set by the caller, who may have spent budget elsewhere while the guest was paused.
   * Only between slices (no guest frame is live), so the stack height starts from 0 too.
   */
  reload(left: bigint, instance: WebAssembly.Instance): void {
    const depth = instance.exports[DEPTH_EXPORT];
    if (!this.fuel || !(depth instanceof WebAssembly.Global)) throw new Error('reload before attach');
    this.spent = this.used();
    this.loaded = left;
    this.fuel.value = left;
    depth.value = 0;
  }

  /**
   * Lowers the fuel the current slice may still spend to at most `left` (0 when negative),
   * without counting the difference as used: for a guest whose shared budget the host spent from
   * during the slice (the guest OS charging a mount's system calls).
   */
  limit(left: bigint): void {
    if (!this.fuel) return;
    const now = this.fuel.value as bigint;
    const to = left < 0n ? 0n : left;
    if (now <= to) return;
    this.loaded -= now - to;
    this.fuel.value = to;
  }

  /** Fuel left, without the STACK_TRIP_FUEL a stack overflow takes (see costs.ts). */
  private remaining(): bigint {
    const left = this.fuel ? (this.fuel.value as bigint) : this.loaded;
    return this.stackTripped() ? left + STACK_TRIP_FUEL : left;
  }

  private stackTripped(): boolean {
    return this.fuel !== null && (this.fuel.value as bigint) < -(STACK_TRIP_FUEL >> 1n);
  }

  /**
   * Fuel consumed so far, clamped to the budget. Exact whenever the guest has just called or
   * returned to the host and after a stop by the meter; after any other trap it is the figure
   * at the last of those (see docs/sandbox.md).
   */
  used(): bigint {
    const left = this.remaining();
    return this.spent + (left <= 0n ? this.loaded : this.loaded - left);
  }

  /**
   * True when the meter itself stopped the guest (fuel spent or stack limit passed). A trap can
   * be swallowed by glue code between host and guest; the instance must then be discarded.
   */
  tripped(): boolean {
    return this.stackTripped() || this.remaining() < 0n;
  }

  /** Charges host work (WASI calls, bytes moved); stops the guest when the budget is spent. */
  charge(amount: number): void {
    if (!this.fuel || amount <= 0) return;
    const left = (this.fuel.value as bigint) - BigInt(amount);
    this.fuel.value = left;
    if (left < 0n) throw this.stackTripped() ? new GuestAbort('stack_overflow', STACK_MESSAGE) : new GuestAbort('out_of_fuel', `instruction budget of ${this.budget} exhausted`);
  }

  /**
   * Maps what a guest call threw to a stop reason, or rethrows a host bug. A trap is attributed
   * to fuel or stack when the meter's own counters show they ran out (the meter traps with
   * `unreachable` after writing them).
   */
  classify(error: unknown): StopReason {
    if (error instanceof GuestExit) return { kind: 'exit', code: error.code };
    if (error instanceof GuestAbort) return { kind: error.kind, message: error.message };
    if (this.stackTripped()) return { kind: 'stack_overflow', message: STACK_MESSAGE };
    if (this.remaining() < 0n) return { kind: 'out_of_fuel', message: `instruction budget of ${this.budget} exhausted` };
    if (error instanceof WebAssembly.RuntimeError) return { kind: 'trap', message: error.message };
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      // Should be unreachable: the deterministic limit is sized well inside V8's stack.
      return { kind: 'stack_overflow', message: `host stack exhausted before the deterministic limit: ${error.message}` };
    }
    throw error;
  }
}
