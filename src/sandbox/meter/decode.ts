/**
 * First look at a function body: where each instruction starts, its class, what each basic block
 * costs, and where the calls are (for the call graph in ./stack.ts). The rewrite (./body.ts)
 * then works from this without decoding again.
 */
import { DecodeError, Reader } from '../binary/bytes.js';
import { readInstruction, Op } from '../binary/instructions.js';
import type { FuncType, ModuleInfo } from '../binary/module.js';
import { INSTRUCTION_FUEL, STACK_FRAME_BASE } from './costs.js';

/** A body split into instructions: `starts[k]` is where instruction `k` begins, `ops[k]` its class. */
export interface Decoded {
  n: number;
  starts: Int32Array;
  ops: Uint8Array;
  /** Fuel of the basic block starting at instruction `k` (0 elsewhere); `costs[0]` is the entry block. */
  costs: Float64Array;
  /** Instructions that name a function or a table's functions: calls of every kind and `ref.func`. */
  sites: number[];
}

/** Splits the body of defined function `index` into instructions and prices its basic blocks. */
export function decodeBody(info: ModuleInfo, index: number): Decoded {
  const body = info.code[index]!;
  const r = new Reader(info.bytes, body.start, body.end);
  let n = 0;
  let starts = new Int32Array(Math.max(16, (body.end - body.start) >> 1));
  let ops = new Uint8Array(starts.length);
  const sites: number[] = [];
  while (!r.done) {
    if (n + 1 >= starts.length) {
      const s2 = new Int32Array(starts.length * 2);
      s2.set(starts);
      starts = s2;
      const o2 = new Uint8Array(ops.length * 2);
      o2.set(ops);
      ops = o2;
    }
    starts[n] = r.pos;
    const op = readInstruction(r);
    ops[n] = op;
    if (op === Op.Call || op === Op.CallIndirect || op === Op.TailCall || op === Op.TailCallIndirect || op === Op.RefFunc) sites.push(n);
    n++;
  }
  starts[n] = r.pos;
  if (n === 0 || ops[n - 1] !== Op.End) throw new DecodeError(`function ${index} does not end with 'end'`, body.end);

  const costs = new Float64Array(n + 1);
  let blockStart = 0;
  let cost = 0;
  for (let k = 0; k < n; k++) {
    const op = ops[k] as Op;
    if (op !== Op.Block && op !== Op.Loop && op !== Op.Else && op !== Op.End) cost += INSTRUCTION_FUEL;
    if (endsBlock(op)) {
      costs[blockStart] = cost;
      blockStart = k + 1;
      cost = 0;
    }
  }
  costs[blockStart] = cost;
  return { n, starts, ops, costs, sites };
}

/** Instructions after which a new basic block starts. */
export function endsBlock(op: Op): boolean {
  switch (op) {
    case Op.Loop: case Op.If: case Op.Else: case Op.End: case Op.BranchIf: case Op.Jump:
    case Op.Unreachable: case Op.Return: case Op.TailCall: case Op.TailCallIndirect:
      return true;
    default:
      return false;
  }
}

/** Number of locals of defined function `index`, its parameters included. */
export function localCount(info: ModuleInfo, type: FuncType, index: number): number {
  let count = type.params.length;
  for (const g of info.code[index]!.locals) count += g.count;
  return count;
}

/** Stack weight of a defined function's frame: its locals plus the meter's three. */
export function frameWeight(info: ModuleInfo, type: FuncType, index: number): number {
  return STACK_FRAME_BASE + localCount(info, type, index) + 3;
}
