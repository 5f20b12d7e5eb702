/**
 * The metering pass: rewrites a module so that it counts its own instructions (fuel), keeps a
 * deterministic call-stack height, and takes its memory from the host (which applies the cap).
 *
 * What the rewritten module does:
 * - Every basic block subtracts its instruction count from a fuel local when it starts. Loop
 *   headers and function entries also check for `fuel < 0` and trap: any unbounded execution
 *   passes one of them. `memory.grow` and bulk memory are charged by size first (./body.ts).
 * - Fuel and stack height travel in registers, as wasmtime keeps fuel in a register: every
 *   defined function takes them as two more parameters and returns its fuel as one more result
 *   (./layout.ts). A call, direct or through a table only the module can reach, costs no memory
 *   access. Where the host can see, the figures go through the exported globals
 *   `__outlayer_fuel` and `__outlayer_stack`: before an import is called (so host charges and
 *   `fuel_used` are exact there), at *entries* (exports, the start function, slots of tables the
 *   host can reach: small functions with the original signature, ./entries.ts), before a trap the
 *   meter raises, and before `unreachable`.
 * - The height grows by each frame's weight; a set of functions that every cycle of the call
 *   graph passes checks it against the limit, keeping room for the unchecked frames that can sit
 *   above them (./stack.ts, ./callgraph.ts).
 * - A defined memory becomes an import (`__outlayer.memory`), so one compiled module serves every
 *   memory cap; a start function becomes the export `__outlayer_start`, run by the host once
 *   fuel is set.
 *
 * Function, global and type indices of the original module are preserved: new globals, types and
 * functions (entries, adapters) are appended. Locals past the parameters move up by two.
 */
import { DecodeError, Reader, Writer } from '../binary/bytes.js';
import { declareFuncs, mapElements, mapGlobals } from '../binary/funcrefs.js';
import { parseModule, SECTION, type FuncType, type Limits, type ModuleInfo } from '../binary/module.js';
import { instrumentBody } from './body.js';
import { decodeBody } from './decode.js';
import { DEPTH_EXPORT, FUEL_EXPORT, MEMORY_IMPORT, START_EXPORT } from './costs.js';
import { extraBody } from './entries.js';
import { I32, I64, Layout } from './layout.js';
import { planStack } from './stack.js';
import { appendMemoryImport, assemble, encodeExports, encodeFunctions, encodeTables, encodeTypes } from './sections.js';

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

export function instrument(original: Uint8Array): InstrumentedModule {
  const info = parseModule(original);
  for (const name of [FUEL_EXPORT, DEPTH_EXPORT, START_EXPORT]) {
    if (info.exports.some((e) => e.name === name)) throw new DecodeError(`export name ${name} is reserved`, 0);
  }
  const importedMemory = info.imports.find((i) => i.kind === 'memory');
  if (info.memories.length + (importedMemory ? 1 : 0) > 1) throw new DecodeError('multiple memories are not supported', 0);

  const importedGlobals = info.imports.filter((i) => i.kind === 'global').length;
  const fuelGlobal = importedGlobals + info.globals.length;
  const layout = new Layout(info, fuelGlobal, fuelGlobal + 1);

  // Bodies first: they may ask the layout for adapters (`ref.func`) and new types.
  const decoded = info.code.map((_, i) => decodeBody(info, i));
  const stack = planStack(layout, decoded);
  const bodies = new Writer(original.length + (original.length >> 1));
  const scratch = new Writer(1 << 16);
  decoded.forEach((d, i) => {
    scratch.clear();
    instrumentBody(scratch, layout, i, d, stack);
    bodies.sized(scratch.view());
  });

  const startSection = info.sections.find((s) => s.id === SECTION.start);
  const startFunc = startSection ? new Reader(startSection.payload).u32() : null;
  const definedMemory = info.memories[0] ?? null;
  const memory = importedMemory ? importedMemory.limits : definedMemory;

  const replaced = new Map<number, Uint8Array | null>();
  replaced.set(SECTION.start, null);
  replaced.set(SECTION.memory, null);
  if (definedMemory) replaced.set(SECTION.import, appendMemoryImport(info, definedMemory));
  if (info.tables.length) replaced.set(SECTION.table, encodeTables(info));
  replaced.set(SECTION.global, mapGlobals(info.sections.find((s) => s.id === SECTION.global)?.payload, (f) => layout.refFunc(f), (w) => {
    w.u8(I64).u8(0x01).u8(0x42).u8(0x00).u8(0x0b); // mut i64 fuel = 0 (the host sets it)
    w.u8(I32).u8(0x01).u8(0x41).u8(0x00).u8(0x0b); // mut i32 stack height = 0
    return 2;
  }));
  const segments = info.sections.find((s) => s.id === SECTION.element)?.payload;
  let elements = segments && mapElements(segments, (f) => layout.ref(f));
  if (layout.refFuncs.size) elements = declareFuncs(elements, [...layout.refFuncs]);
  if (elements) replaced.set(SECTION.element, elements);
  replaced.set(SECTION.export, encodeExports(layout, startFunc));
  // Entries and adapters are known once everything that can ask for one has been written.
  for (const extra of layout.extras) {
    const i = extra.target - layout.imported;
    bodies.sized(extra.kind === 'entry' ? extraBody(layout, extra, stack.entryWeight(i), stack.entryReserve(i)) : extraBody(layout, extra, 0, 0));
  }
  replaced.set(SECTION.function, encodeFunctions(layout));
  replaced.set(SECTION.code, new Writer(bodies.length + 5).u32(info.code.length + layout.extras.length).bytes(bodies.view()).finish());
  replaced.set(SECTION.type, encodeTypes(layout.types));

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

