/**
 * The metering pass: rewrites a module so that it counts its own instructions (fuel), keeps a
 * deterministic call-stack height, and takes its memory from the host (which applies the cap).
 *
 * What the rewritten module does:
 * - Each function keeps its fuel in a local, loaded from the exported global `__outlayer_fuel`
 *   on entry and written back before every call, return and trap, so that callees and host
 *   imports see the true figure (the same idea as wasmtime's fuel, which keeps it in a register).
 * - Every basic block subtracts its instruction count when it starts. Loop headers and function
 *   entries also check for `fuel < 0` and trap: any unbounded execution passes one of them, so
 *   a check per block is not needed. `memory.grow` and bulk memory are charged by size first.
 * - On entry a function adds its frame weight to `__outlayer_stack` and traps past the limit; it
 *   subtracts it on every exit. The body is wrapped in a block so branches to the function
 *   label run the epilogue too.
 * - A defined memory becomes an import (`__outlayer.memory`), so one compiled module serves every
 *   memory cap; a start function becomes the export `__outlayer_start`, run by the host once
 *   fuel is set.
 *
 * Function, global, type and local indices of the original module are all preserved: new
 * globals, types and locals are appended at the end of their index spaces.
 */
import { DecodeError, Reader, Writer } from '../binary/bytes.js';
import { readInstruction, Op } from '../binary/instructions.js';
import { parseModule, SECTION, sectionRank, type FuncType, type Limits, type ModuleInfo, type Section } from '../binary/module.js';
import {
  BULK_BYTES_PER_FUEL_LOG2, DEPTH_EXPORT, FUEL_EXPORT, GROW_PAGE_FUEL, INSTRUCTION_FUEL, MEMORY_IMPORT,
  STACK_FRAME_BASE, STACK_LIMIT_SLOTS, START_EXPORT, TABLE_MAX_ELEMENTS,
} from './costs.js';

export interface InstrumentedModule {
  /** The rewritten module bytes. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The module's memory declaration (pages), or null when it has no memory. */
  memory: Limits | null;
  /**
   * Where the instrumented module imports its memory from: the original import, or
   * `__outlayer.memory` for a memory the module defined. The host supplies a capped Memory there.
   */
  memoryImport: { module: string; name: string } | null;
  /** Imports of the original module, for validation against the host's allowlist. */
  imports: ModuleInfo['imports'];
  /** Types of the original module (to check import signatures). */
  types: FuncType[];
  /** Names of the original exports. */
  exports: string[];
  /** True when the original had a start function (now exported as `__outlayer_start`). */
  hasStart: boolean;
}

const I64 = 0x7e;
const I32 = 0x7f;

export function instrument(original: Uint8Array): InstrumentedModule {
  const info = parseModule(original);
  for (const name of [FUEL_EXPORT, DEPTH_EXPORT, START_EXPORT]) {
    if (info.exports.some((e) => e.name === name)) throw new DecodeError(`export name ${name} is reserved`, 0);
  }
  const importedMemory = info.imports.find((i) => i.kind === 'memory');
  if (info.memories.length + (importedMemory ? 1 : 0) > 1) throw new DecodeError('multiple memories are not supported', 0);

  const types = info.types.slice();
  const globalSection = info.sections.find((s) => s.id === SECTION.global);
  const definedGlobals = globalSection ? new Reader(globalSection.payload).u32() : 0;
  const importedGlobals = info.imports.filter((i) => i.kind === 'global').length;
  const fuelGlobal = importedGlobals + definedGlobals;
  const depthGlobal = fuelGlobal + 1;

  const code = new Writer(original.length + (original.length >> 1));
  code.u32(info.code.length);
  for (let i = 0; i < info.code.length; i++) {
    const body = instrumentFunction(info, i, types, fuelGlobal, depthGlobal);
    code.sized(body);
  }

  const startSection = info.sections.find((s) => s.id === SECTION.start);
  const startFunc = startSection ? new Reader(startSection.payload).u32() : null;
  const definedMemory = info.memories[0] ?? null;
  const memory = importedMemory ? importedMemory.limits : definedMemory;

  const replaced = new Map<number, Uint8Array | null>();
  replaced.set(SECTION.code, code.finish());
  replaced.set(SECTION.start, null);
  replaced.set(SECTION.memory, null);
  if (types.length !== info.types.length) replaced.set(SECTION.type, encodeTypes(types));
  if (definedMemory) replaced.set(SECTION.import, appendMemoryImport(info, definedMemory));
  if (info.tables.length) replaced.set(SECTION.table, encodeTables(info));
  replaced.set(SECTION.global, appendGlobals(globalSection, definedGlobals));
  replaced.set(SECTION.export, appendExports(info, fuelGlobal, depthGlobal, startFunc));

  return {
    bytes: assemble(info.sections, replaced),
    memory,
    memoryImport: importedMemory ? { module: importedMemory.module, name: importedMemory.name } : definedMemory ? { ...MEMORY_IMPORT } : null,
    imports: info.imports,
    types: info.types,
    exports: info.exports.map((e) => e.name),
    hasStart: startFunc !== null,
  };
}

/** Rewrites one function body. */
function instrumentFunction(info: ModuleInfo, index: number, types: FuncType[], fuelGlobal: number, depthGlobal: number): Uint8Array {
  const body = info.code[index]!;
  const type = info.types[info.funcTypes[index]!];
  if (!type) throw new DecodeError(`function ${index} has an unknown type`, body.start);
  const bytes = info.bytes;

  // Pass 1: instruction boundaries and classes.
  const r = new Reader(bytes, body.start, body.end);
  let n = 0;
  let starts = new Int32Array(256);
  let ops = new Uint8Array(256);
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
    ops[n] = readInstruction(r);
    n++;
  }
  starts[n] = r.pos;
  if (n === 0 || ops[n - 1] !== Op.End) throw new DecodeError(`function ${index} does not end with 'end'`, body.end);

  // Pass 2: cost of the basic block starting after each boundary (and at entry).
  const costs = new Float64Array(n + 1);
  {
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
  }

  // Locals: the originals keep their indices; $fuel (i64) and $tmp (i32) are appended.
  let localCount = type.params.length;
  for (const g of body.locals) localCount += g.count;
  const fuelLocal = localCount;
  const tmpLocal = localCount + 1;
  const weight = STACK_FRAME_BASE + localCount + 2;

  const w = new Writer((body.end - body.start) * 2 + 64);
  w.u32(body.locals.length + 2);
  for (const g of body.locals) w.u32(g.count).u8(g.type);
  w.u32(1).u8(I64).u32(1).u8(I32);

  // Prologue: stack height, then fuel into the local.
  w.u8(0x23).u32(depthGlobal).u8(0x41).s32(weight).u8(0x6a).u8(0x24).u32(depthGlobal);
  w.u8(0x23).u32(depthGlobal).u8(0x41).s32(STACK_LIMIT_SLOTS).u8(0x4b).u8(0x04).u8(0x40).u8(0x00).u8(0x0b);
  w.u8(0x23).u32(fuelGlobal).u8(0x21).u32(fuelLocal);
  w.u8(0x02);
  writeBlockType(w, type, types);

  const sync = (): void => {
    w.u8(0x20).u32(fuelLocal).u8(0x24).u32(fuelGlobal);
  };
  const reload = (): void => {
    w.u8(0x23).u32(fuelGlobal).u8(0x21).u32(fuelLocal);
  };
  const check = (): void => {
    // local.tee $fuel; i64.const 0; i64.lt_s; if; sync; unreachable; end
    w.u8(0x22).u32(fuelLocal).u8(0x42).u8(0x00).u8(0x53).u8(0x04).u8(0x40);
    sync();
    w.u8(0x00).u8(0x0b);
  };
  const charge = (cost: number, withCheck: boolean): void => {
    if (cost === 0 && !withCheck) return;
    w.u8(0x20).u32(fuelLocal);
    if (cost !== 0) w.u8(0x42).s64(BigInt(cost)).u8(0x7d);
    if (withCheck) check();
    else w.u8(0x21).u32(fuelLocal);
  };
  const epilogue = (): void => {
    sync();
    w.u8(0x23).u32(depthGlobal).u8(0x41).s32(weight).u8(0x6b).u8(0x24).u32(depthGlobal);
  };

  charge(costs[0]!, true);
  for (let k = 0; k < n; k++) {
    const op = ops[k] as Op;
    const isLast = k === n - 1;
    switch (op) {
      case Op.Call:
        sync();
        w.bytes(bytes.subarray(starts[k], starts[k + 1]));
        reload();
        break;
      case Op.Return:
      case Op.TailCall:
        epilogue();
        w.bytes(bytes.subarray(starts[k], starts[k + 1]));
        break;
      case Op.MemoryGrow:
        // [delta] -> charge delta pages, then grow.
        w.u8(0x22).u32(tmpLocal);
        w.u8(0x20).u32(fuelLocal).u8(0x20).u32(tmpLocal).u8(0xad).u8(0x42).s64(BigInt(GROW_PAGE_FUEL)).u8(0x7e).u8(0x7d);
        check();
        w.bytes(bytes.subarray(starts[k], starts[k + 1]));
        break;
      case Op.BulkMemory: {
        // [.., n] -> charge ceil(n / 2^k), then run.
        const roundUp = (1 << BULK_BYTES_PER_FUEL_LOG2) - 1;
        w.u8(0x22).u32(tmpLocal);
        w.u8(0x20).u32(fuelLocal).u8(0x20).u32(tmpLocal).u8(0xad).u8(0x42).s64(BigInt(roundUp)).u8(0x7c);
        w.u8(0x42).s64(BigInt(BULK_BYTES_PER_FUEL_LOG2)).u8(0x88).u8(0x7d);
        check();
        w.bytes(bytes.subarray(starts[k], starts[k + 1]));
        break;
      }
      default:
        if (!isLast) w.bytes(bytes.subarray(starts[k], starts[k + 1]));
    }
    if (!isLast && endsBlock(op)) charge(costs[k + 1]!, op === Op.Loop);
  }
  // The original final `end` closes our wrapper block; then the epilogue and the real end.
  w.u8(0x0b);
  epilogue();
  w.u8(0x0b);
  return w.finish();
}

/** Instructions after which a new basic block starts. */
function endsBlock(op: Op): boolean {
  return op === Op.Loop || op === Op.If || op === Op.Else || op === Op.End || op === Op.BranchIf || op === Op.Jump || op === Op.Return || op === Op.TailCall;
}

function writeBlockType(w: Writer, type: FuncType, types: FuncType[]): void {
  if (type.results.length === 0) {
    w.u8(0x40);
    return;
  }
  if (type.results.length === 1) {
    w.u8(type.results[0]!);
    return;
  }
  // Multi-value: a type index of [] -> results, appended when absent.
  let idx = types.findIndex((t) => t.params.length === 0 && sameTypes(t.results, type.results));
  if (idx < 0) {
    idx = types.length;
    types.push({ params: [], results: type.results.slice() });
  }
  w.s64(BigInt(idx));
}

function sameTypes(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function encodeTypes(types: FuncType[]): Uint8Array {
  const w = new Writer();
  w.u32(types.length);
  for (const t of types) {
    w.u8(0x60).u32(t.params.length).bytes(t.params).u32(t.results.length).bytes(t.results);
  }
  return w.finish();
}

function writeLimits(w: Writer, l: Limits): void {
  if (l.max === null) w.u8(0x00).u32(l.min);
  else w.u8(0x01).u32(l.min).u32(l.max);
}

function appendMemoryImport(info: ModuleInfo, memory: Limits): Uint8Array {
  const existing = info.sections.find((s) => s.id === SECTION.import);
  const w = new Writer();
  if (existing) {
    const r = new Reader(existing.payload);
    w.u32(r.u32() + 1).bytes(existing.payload.subarray(r.pos));
  } else {
    w.u32(1);
  }
  w.name(MEMORY_IMPORT.module).name(MEMORY_IMPORT.name).u8(0x02);
  // The import declares no maximum of its own beyond the module's: the host's Memory carries the cap.
  writeLimits(w, memory);
  return w.finish();
}

function encodeTables(info: ModuleInfo): Uint8Array {
  const w = new Writer();
  w.u32(info.tables.length);
  for (const [i, t] of info.tables.entries()) {
    if (t.limits.min > TABLE_MAX_ELEMENTS) throw new DecodeError(`table ${i} needs ${t.limits.min} elements; at most ${TABLE_MAX_ELEMENTS} are allowed`, 0);
    const max = Math.min(t.limits.max ?? TABLE_MAX_ELEMENTS, TABLE_MAX_ELEMENTS);
    w.u8(t.refType);
    writeLimits(w, { min: t.limits.min, max });
  }
  return w.finish();
}

function appendGlobals(existing: Section | undefined, count: number): Uint8Array {
  const w = new Writer();
  w.u32(count + 2);
  if (existing) {
    const r = new Reader(existing.payload);
    r.u32();
    w.bytes(existing.payload.subarray(r.pos));
  }
  w.u8(I64).u8(0x01).u8(0x42).u8(0x00).u8(0x0b); // mut i64 fuel = 0 (the host sets it)
  w.u8(I32).u8(0x01).u8(0x41).u8(0x00).u8(0x0b); // mut i32 stack = 0
  return w.finish();
}

function appendExports(info: ModuleInfo, fuelGlobal: number, depthGlobal: number, startFunc: number | null): Uint8Array {
  const existing = info.sections.find((s) => s.id === SECTION.export);
  const w = new Writer();
  const extra = startFunc === null ? 2 : 3;
  if (existing) {
    const r = new Reader(existing.payload);
    w.u32(r.u32() + extra).bytes(existing.payload.subarray(r.pos));
  } else {
    w.u32(extra);
  }
  w.name(FUEL_EXPORT).u8(0x03).u32(fuelGlobal);
  w.name(DEPTH_EXPORT).u8(0x03).u32(depthGlobal);
  if (startFunc !== null) w.name(START_EXPORT).u8(0x00).u32(startFunc);
  return w.finish();
}

/** Writes the module back: replaced sections in place (null drops one), new ones in spec order. */
function assemble(sections: Section[], replaced: Map<number, Uint8Array | null>): Uint8Array<ArrayBuffer> {
  const out = new Writer(sections.reduce((n, s) => n + s.payload.length + 6, 64));
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const pending = new Map(replaced);
  const flushBefore = (rank: number): void => {
    for (const [id, payload] of [...pending].sort((a, b) => sectionRank(a[0]) - sectionRank(b[0]))) {
      if (sectionRank(id) >= rank) break;
      if (payload) out.u8(id).sized(payload);
      pending.delete(id);
    }
  };
  for (const s of sections) {
    if (s.id !== SECTION.custom) flushBefore(sectionRank(s.id));
    if (pending.has(s.id) && s.id !== SECTION.custom) {
      const payload = pending.get(s.id);
      pending.delete(s.id);
      if (payload) out.u8(s.id).sized(payload);
      continue;
    }
    out.u8(s.id).sized(s.payload);
  }
  flushBefore(Infinity);
  return out.finish();
}
