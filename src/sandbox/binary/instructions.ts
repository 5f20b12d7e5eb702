/**
 * Decodes one instruction at a time: its control-flow class and the length of its immediates.
 * The metering pass only needs to know where instructions start, which ones shape control flow
 * and which ones cost more than one unit (memory.grow, bulk memory). Operands are skipped.
 * Spec: https://webassembly.github.io/spec/core/binary/instructions.html
 */
import { DecodeError, type Reader } from './bytes.js';

export const enum Op {
  Plain,
  Block,
  Loop,
  If,
  Else,
  End,
  /** br_if, br_on_null, br_on_non_null: may fall through. */
  BranchIf,
  /** br, br_table: never falls through. */
  Jump,
  /** unreachable: never falls through either, but traps. */
  Unreachable,
  Return,
  /** call funcidx */
  Call,
  /** call_indirect typeidx tableidx */
  CallIndirect,
  /** return_call funcidx */
  TailCall,
  /** return_call_indirect typeidx tableidx */
  TailCallIndirect,
  /** local.get / local.set / local.tee localidx: the meter renumbers locals. */
  Local,
  /** ref.func funcidx: the meter may point it at an adapter. */
  RefFunc,
  MemoryGrow,
  /** memory.copy / memory.fill / memory.init: cost grows with the byte count on top of the stack. */
  BulkMemory,
}

function unsupported(r: Reader, what: string): never {
  throw new DecodeError(`${what} is not supported`, r.pos);
}

function skipMemarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) {
    if (r.u32() !== 0) unsupported(r, 'multiple memories');
  }
  r.u32(); // offset
}

function skipBlockType(r: Reader): void {
  const b = r.bytes[r.pos];
  if (b === 0x40 || b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f) {
    r.pos++;
    return;
  }
  if (b === 0x63 || b === 0x64) unsupported(r, 'typed function references');
  if (r.s33() < 0) r.fail('invalid block type');
}

function memIndexZero(r: Reader): void {
  if (r.u8() !== 0) unsupported(r, 'multiple memories');
}

/** Reads one instruction, leaving `r.pos` after its immediates, and returns its class. */
export function readInstruction(r: Reader): Op {
  const op = r.u8();
  // Most instructions are numeric with no immediates: test that range first.
  if (op >= 0x45 && op <= 0xc4) return Op.Plain;
  switch (op) {
    case 0x00: return Op.Unreachable;
    case 0x01: return Op.Plain; // nop
    case 0x02: skipBlockType(r); return Op.Block;
    case 0x03: skipBlockType(r); return Op.Loop;
    case 0x04: skipBlockType(r); return Op.If;
    case 0x05: return Op.Else;
    case 0x0b: return Op.End;
    case 0x0c: r.u32(); return Op.Jump;
    case 0x0d: r.u32(); return Op.BranchIf;
    case 0x0e: {
      const n = r.u32();
      for (let i = 0; i <= n; i++) r.u32();
      return Op.Jump;
    }
    case 0x0f: return Op.Return;
    case 0x10: r.u32(); return Op.Call;
    case 0x11: r.u32(); r.u32(); return Op.CallIndirect;
    case 0x12: r.u32(); return Op.TailCall;
    case 0x13: r.u32(); r.u32(); return Op.TailCallIndirect;
    case 0x1a: case 0x1b: return Op.Plain; // drop, select
    case 0x1c: {
      const n = r.u32();
      for (let i = 0; i < n; i++) r.u8();
      return Op.Plain;
    }
    case 0x20: case 0x21: case 0x22:
      r.u32();
      return Op.Local;
    case 0x23: case 0x24: case 0x25: case 0x26:
      r.u32();
      return Op.Plain;
    case 0x3f: memIndexZero(r); return Op.Plain; // memory.size
    case 0x40: memIndexZero(r); return Op.MemoryGrow;
    case 0x41: r.skipSleb(32); return Op.Plain;
    case 0x42: r.skipSleb(64); return Op.Plain;
    case 0x43: r.skip(4); return Op.Plain;
    case 0x44: r.skip(8); return Op.Plain;
    case 0xd0: r.s33(); return Op.Plain; // ref.null heaptype
    case 0xd1: return Op.Plain; // ref.is_null
    case 0xd2: r.u32(); return Op.RefFunc;
    case 0xfc: return readPrefixFC(r);
    case 0xfd: return readPrefixSimd(r);
    case 0x06: case 0x07: case 0x08: case 0x09: case 0x0a: case 0x18: case 0x19: case 0x1f:
      return unsupported(r, 'exception handling');
    case 0x14: case 0x15: case 0xd3: case 0xd4: case 0xd5: case 0xd6: case 0xfb:
      return unsupported(r, 'typed references / GC');
    case 0xfe:
      return unsupported(r, 'threads and atomics');
    default:
      if (op >= 0x28 && op <= 0x3e) {
        skipMemarg(r);
        return Op.Plain;
      }
      return r.fail(`unknown opcode 0x${op.toString(16)}`);
  }
}

function readPrefixFC(r: Reader): Op {
  const sub = r.u32();
  if (sub <= 7) return Op.Plain; // saturating truncation
  switch (sub) {
    case 8: r.u32(); memIndexZero(r); return Op.BulkMemory; // memory.init
    case 9: r.u32(); return Op.Plain; // data.drop
    case 10: memIndexZero(r); memIndexZero(r); return Op.BulkMemory; // memory.copy
    case 11: memIndexZero(r); return Op.BulkMemory; // memory.fill
    case 12: r.u32(); r.u32(); return Op.Plain; // table.init
    case 13: r.u32(); return Op.Plain; // elem.drop
    case 14: r.u32(); r.u32(); return Op.Plain; // table.copy
    case 15: case 16: case 17: r.u32(); return Op.Plain; // table.grow/size/fill
    default: return r.fail(`unknown 0xfc instruction ${sub}`);
  }
}

function readPrefixSimd(r: Reader): Op {
  const sub = r.u32();
  if (sub <= 0x0b || sub === 0x5c || sub === 0x5d) skipMemarg(r);
  else if (sub === 0x0c || sub === 0x0d) r.skip(16);
  else if (sub >= 0x15 && sub <= 0x22) r.u8();
  else if (sub >= 0x54 && sub <= 0x5b) {
    skipMemarg(r);
    r.u8();
  }
  return Op.Plain;
}
