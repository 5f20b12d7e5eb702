/**
 * Section encoders of the metering pass: the parts of the module around the code that change
 * (types, imports, functions, tables, exports) and the final assembly in spec order.
 */
import { DecodeError, Reader, Writer } from '../binary/bytes.js';
import { SECTION, sectionRank, type FuncType, type Limits, type ModuleInfo, type Section } from '../binary/module.js';
import { DEPTH_EXPORT, FUEL_EXPORT, MEMORY_IMPORT, START_EXPORT, TABLE_MAX_ELEMENTS } from './costs.js';
import type { Layout } from './layout.js';

export function encodeTypes(types: FuncType[]): Uint8Array {
  const w = new Writer();
  w.u32(types.length);
  for (const t of types) {
    w.u8(0x60).u32(t.params.length).bytes(t.params).u32(t.results.length).bytes(t.results);
  }
  return w.finish();
}

/** Defined functions take their ext type; the meter's entries and adapters follow. */
export function encodeFunctions(layout: Layout): Uint8Array {
  const w = new Writer();
  w.u32(layout.info.funcTypes.length + layout.extras.length);
  for (const t of layout.info.funcTypes) w.u32(layout.ext(t));
  for (const e of layout.extras) w.u32(e.type);
  return w.finish();
}

function writeLimits(w: Writer, l: Limits): void {
  if (l.max === null) w.u8(0x00).u32(l.min);
  else w.u8(0x01).u32(l.min).u32(l.max);
}

export function appendMemoryImport(info: ModuleInfo, memory: Limits): Uint8Array {
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

export function encodeTables(info: ModuleInfo): Uint8Array {
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

/** The original exports, functions pointing at their entries, then the meter's own. */
export function encodeExports(layout: Layout, startFunc: number | null): Uint8Array {
  const w = new Writer();
  const exports = layout.info.exports;
  w.u32(exports.length + (startFunc === null ? 2 : 3));
  for (const e of exports) w.name(e.name).u8(e.kind).u32(e.kind === 0 ? layout.entry(e.index) : e.index);
  w.name(FUEL_EXPORT).u8(0x03).u32(layout.fuelGlobal);
  w.name(DEPTH_EXPORT).u8(0x03).u32(layout.depthGlobal);
  if (startFunc !== null) w.name(START_EXPORT).u8(0x00).u32(layout.entry(startFunc));
  return w.finish();
}

/** Writes the module back: replaced sections in place (null drops one), new ones in spec order. */
export function assemble(sections: Section[], replaced: Map<number, Uint8Array | null>): Uint8Array<ArrayBuffer> {
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
