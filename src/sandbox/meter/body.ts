/**
 * Rewrites one function body for the meter (the scheme is in ./instrument.ts). The function
 * takes fuel (i64) and stack height (i32) as two more parameters, so original locals past the
 * parameters move up by two; it charges each basic block from the fuel local and returns the fuel
 * as one more result. Calls to defined functions pass both in registers; only host boundaries
 * (imports, and `call_indirect` into tables the host can reach) go through the exported globals.
 */
import { afterLeb, u32At, type Writer } from '../binary/bytes.js';
import { Op } from '../binary/instructions.js';
import { BULK_BYTES_PER_FUEL_LOG2, GROW_PAGE_FUEL, HOST_CALL_SLOTS, STACK_LIMIT_SLOTS, STACK_TRIP_FUEL } from './costs.js';
import { endsBlock, localCount, type Decoded } from './decode.js';
import { I32, type Layout } from './layout.js';
import type { StackPlan } from './stack.js';

/**
 * Writes the rewritten body of defined function `index` (locals and code, without its size) to
 * `w`. `stack` says whether it checks the stack height on entry, and against what.
 */
export function instrumentBody(w: Writer, layout: Layout, index: number, d: Decoded, stack: StackPlan): void {
  new BodyWriter(w, layout, index, stack, d).write();
}

/** Instructions the meter rewrites or surrounds with code of its own (locals aside). */
const SPECIAL = new Set<Op>([
  Op.Call, Op.CallIndirect, Op.TailCall, Op.TailCallIndirect, Op.Return, Op.Unreachable, Op.RefFunc, Op.MemoryGrow, Op.BulkMemory,
]);

class BodyWriter {
  /** Locals: params, $fuel (i64) and $height (i32) as two more params, the original locals, $tmp (i32). */
  private readonly nParams: number;
  private readonly fuel: number;
  private readonly height: number;
  private readonly tmp: number;
  private readonly fuelGlobal: number;
  private readonly depthGlobal: number;
  /** Frame weight this function adds to the height it passes on (0 if it calls nothing). */
  private readonly added: number;

  constructor(
    private readonly w: Writer,
    private readonly layout: Layout,
    private readonly index: number,
    private readonly stack: StackPlan,
    private readonly d: Decoded,
  ) {
    const type = layout.funcType(layout.imported + index);
    this.nParams = type.params.length;
    this.fuel = this.nParams;
    this.height = this.nParams + 1;
    this.tmp = localCount(layout.info, type, index) + 2;
    this.fuelGlobal = layout.fuelGlobal;
    this.depthGlobal = layout.depthGlobal;
    const calls = stack.accounted[index] || d.sites.some((k) => d.ops[k] !== Op.RefFunc);
    this.added = calls ? stack.weight[index]! : 0;
  }

  write(): void {
    const { w, layout, fuel, d } = this;
    const bytes = layout.info.bytes;
    const { n, starts, ops, costs } = d;
    const locals = layout.info.code[this.index]!.locals;
    const type = layout.funcType(layout.imported + this.index);

    w.u32(locals.length + 1);
    for (const g of locals) w.u32(g.count).u8(g.type);
    w.u32(1).u8(I32);
    this.prologue();
    this.charge(costs[0]!, true);
    // The body sits in a block, so that a branch to the function's label still returns the fuel.
    w.u8(0x02);
    if (type.results.length === 0) w.u8(0x40);
    else if (type.results.length === 1) w.u8(type.results[0]!);
    else w.s32(layout.intern([], type.results));

    // Instructions kept as they are are copied in runs; `run` is where the pending one starts.
    let run = starts[0]!;
    const flush = (k: number): void => {
      if (starts[k]! > run) w.bytes(bytes.subarray(run, starts[k]));
      run = starts[k]!;
    };
    for (let k = 0; k < n; k++) {
      const op = ops[k] as Op;
      if (op === Op.Local) {
        const local = u32At(bytes, starts[k]! + 1);
        if (local >= this.nParams) {
          flush(k);
          w.u8(bytes[starts[k]!]!).u32(local + 2);
          run = starts[k + 1]!;
        }
      } else if (SPECIAL.has(op)) {
        flush(k);
        this.special(op, bytes, starts[k]!, starts[k + 1]!);
        run = starts[k + 1]!;
      }
      if (k < n - 1 && endsBlock(op) && (costs[k + 1] !== 0 || op === Op.Loop)) {
        flush(k + 1);
        this.charge(costs[k + 1]!, op === Op.Loop);
      }
    }
    // The original final `end` closes the wrapper block; the fuel result and the real end follow.
    flush(n);
    w.u8(0x20).u32(fuel).u8(0x0b);
  }

  /** An instruction the meter rewrites or surrounds with code of its own, at bytes [start, end). */
  private special(op: Op, bytes: Uint8Array, start: number, end: number): void {
    const { w, layout, fuel } = this;
    const original = bytes.subarray(start, end);
    const at = start + 1;
    switch (op) {
      case Op.Call: {
        const callee = u32At(bytes, at);
        if (callee < layout.imported) {
          this.publish();
          w.bytes(original);
          this.reload();
        } else {
          w.u8(0x20).u32(fuel).u8(0x20).u32(this.height).bytes(original).u8(0x21).u32(fuel);
        }
        return;
      }
      case Op.CallIndirect:
      case Op.TailCallIndirect: {
        const typeIndex = u32At(bytes, at);
        const table = u32At(bytes, afterLeb(bytes, at));
        const tail = op === Op.TailCallIndirect;
        if (layout.privateTables) {
          // The table holds ext functions: [args, i] -> [args, fuel, height, i].
          w.u8(0x21).u32(this.tmp).u8(0x20).u32(fuel);
          if (tail) this.callerHeight();
          else w.u8(0x20).u32(this.height);
          w.u8(0x20).u32(this.tmp).u8(tail ? 0x13 : 0x11).u32(layout.ext(typeIndex)).u32(table);
          if (!tail) w.u8(0x21).u32(fuel);
        } else {
          // The table holds entries (original types) that the host may call too. A tail call
          // becomes a call and a return, as its callee does not return our fuel.
          this.publish();
          w.u8(0x11).u32(typeIndex).u32(table);
          this.reload();
          if (tail) w.u8(0x20).u32(fuel).u8(0x0f);
        }
        return;
      }
      case Op.TailCall: {
        const callee = u32At(bytes, at);
        if (callee < layout.imported) {
          this.publish();
          w.u8(0x10).u32(callee);
          this.reload();
          w.u8(0x20).u32(fuel).u8(0x0f);
        } else {
          w.u8(0x20).u32(fuel);
          this.callerHeight();
          w.bytes(original);
        }
        return;
      }
      case Op.Return:
        w.u8(0x20).u32(fuel).bytes(original);
        return;
      case Op.Unreachable:
        this.sync();
        w.bytes(original);
        return;
      case Op.RefFunc:
        w.u8(0xd2).u32(layout.refFunc(u32At(bytes, at)));
        return;
      case Op.MemoryGrow:
        // [delta] -> charge delta pages first.
        w.u8(0x22).u32(this.tmp);
        w.u8(0x20).u32(fuel).u8(0x20).u32(this.tmp).u8(0xad).u8(0x42).s32(GROW_PAGE_FUEL).u8(0x7e).u8(0x7d);
        this.check();
        w.bytes(original);
        return;
      case Op.BulkMemory:
        // [.., n] -> charge ceil(n / 2^k) first.
        w.u8(0x22).u32(this.tmp);
        w.u8(0x20).u32(fuel).u8(0x20).u32(this.tmp).u8(0xad).u8(0x42).s32((1 << BULK_BYTES_PER_FUEL_LOG2) - 1).u8(0x7c);
        w.u8(0x42).s32(BULK_BYTES_PER_FUEL_LOG2).u8(0x88).u8(0x7d);
        this.check();
        w.bytes(original);
        return;
      default:
        w.bytes(original);
    }
  }

  /**
   * height += weight, for the calls this function makes. An accounted function then traps when
   * height + reserve (the heaviest unchecked chain it can call, ./stack.ts) passes the limit,
   * publishing that sum and taking STACK_TRIP_FUEL from the fuel (costs.ts) so the host can tell
   * why the guest stopped, even if glue code swallows the trap.
   */
  private prologue(): void {
    if (!this.added) return;
    const { w, height } = this;
    w.u8(0x20).u32(height).u8(0x41).s32(this.added).u8(0x6a);
    if (!this.stack.accounted[this.index]) {
      w.u8(0x21).u32(height);
      return;
    }
    const reserve = this.stack.reserve[this.index]!;
    w.u8(0x22).u32(height).u8(0x41).s32(STACK_LIMIT_SLOTS - reserve).u8(0x4b).u8(0x04).u8(0x40);
    w.u8(0x20).u32(height);
    if (reserve) w.u8(0x41).s32(reserve).u8(0x6a);
    w.u8(0x24).u32(this.depthGlobal);
    trippedFuel(w, () => w.u8(0x20).u32(this.fuel));
    w.u8(0x24).u32(this.fuelGlobal).u8(0x00).u8(0x0b);
  }

  private sync(): void {
    this.w.u8(0x20).u32(this.fuel).u8(0x24).u32(this.fuelGlobal);
  }

  private reload(): void {
    this.w.u8(0x23).u32(this.fuelGlobal).u8(0x21).u32(this.fuel);
  }

  /**
   * Before a call that may run host code (an import, or a slot of a table the host can fill):
   * fuel and height to the globals, so host charges see the exact fuel and an export called back
   * starts above this frame and the host's own (HOST_CALL_SLOTS, see costs.ts).
   */
  private publish(): void {
    this.sync();
    this.w.u8(0x20).u32(this.height).u8(0x41).s32(HOST_CALL_SLOTS).u8(0x6a).u8(0x24).u32(this.depthGlobal);
  }

  /** local.tee $fuel; i64.const 0; i64.lt_s; if; sync; unreachable; end */
  private check(): void {
    this.w.u8(0x22).u32(this.fuel).u8(0x42).u8(0x00).u8(0x53).u8(0x04).u8(0x40);
    this.sync();
    this.w.u8(0x00).u8(0x0b);
  }

  private charge(cost: number, withCheck: boolean): void {
    const { w, fuel } = this;
    w.u8(0x20).u32(fuel);
    // Block costs are bounded by the body's length, so the i64.const fits the s32 encoding.
    if (cost !== 0) w.u8(0x42).s32(cost).u8(0x7d);
    if (withCheck) this.check();
    else w.u8(0x21).u32(fuel);
  }

  /** A tail call replaces this frame: its callee (always accounted) starts from the height below. */
  private callerHeight(): void {
    this.w.u8(0x20).u32(this.height);
    if (this.added) this.w.u8(0x41).s32(this.added).u8(0x6b);
  }
}

/**
 * Pushes the fuel a stack overflow leaves: fuel - STACK_TRIP_FUEL, unless already taken (glue
 * code that swallows the trap may let the guest overflow again). `fuel` pushes the current fuel.
 */
export function trippedFuel(w: Writer, fuel: () => void): void {
  // select(fuel - TRIP, fuel, fuel >= -TRIP / 2)
  fuel();
  w.u8(0x42).s64(STACK_TRIP_FUEL).u8(0x7d);
  fuel();
  fuel();
  w.u8(0x42).s64(-(STACK_TRIP_FUEL >> 1n)).u8(0x59).u8(0x1b);
}
