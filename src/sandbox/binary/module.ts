/**
 * Splits a WebAssembly module into sections and decodes the parts the metering pass needs:
 * types, imports, function types, memories, tables, globals, exports and code bodies.
 * Everything else is kept as raw bytes and written back unchanged.
 * Spec: https://webassembly.github.io/spec/core/binary/modules.html
 */
import { DecodeError, Reader } from './bytes.js';
import { Op, readInstruction } from './instructions.js';

export const SECTION = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7,
  start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13,
} as const;

/** Position of each known section in the required order (tag sits between memory and global). */
const SECTION_RANK: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

export function sectionRank(id: number): number {
  return SECTION_RANK[id] ?? 0;
}

export type ValType = number; // 0x7f i32, 0x7e i64, 0x7d f32, 0x7c f64, 0x7b v128, 0x70 funcref, 0x6f externref

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface Limits {
  min: number;
  max: number | null;
}

export type Import =
  | { module: string; name: string; kind: 'func'; typeIndex: number }
  | { module: string; name: string; kind: 'memory'; limits: Limits }
  | { module: string; name: string; kind: 'table'; refType: ValType }
  | { module: string; name: string; kind: 'global'; type: ValType }
  | { module: string; name: string; kind: 'tag' };

export interface Export {
  name: string;
  kind: number; // 0 func, 1 table, 2 memory, 3 global, 4 tag
  index: number;
}

export interface Section {
  id: number;
  payload: Uint8Array;
}

export interface CodeBody {
  /** Local declarations as (count, type) runs. */
  locals: { count: number; type: ValType }[];
  /** Offsets of the instruction stream inside `ModuleInfo.bytes`, up to and including the final `end`. */
  start: number;
  end: number;
}

export interface ModuleInfo {
  bytes: Uint8Array;
  sections: Section[];
  types: FuncType[];
  imports: Import[];
  importedFuncs: number;
  /** Type index of each function defined in the module. */
  funcTypes: number[];
  memories: Limits[];
  tables: { refType: number; limits: Limits }[];
  /** Value type of each global defined in the module. */
  globals: ValType[];
  exports: Export[];
  code: CodeBody[];
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

export function parseModule(bytes: Uint8Array): ModuleInfo {
  if (bytes.length < 8) throw new DecodeError(`module is truncated: ${bytes.length} bytes, a module needs at least 8`, 0);
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== MAGIC[i]) throw new DecodeError('not a WebAssembly module: missing the \\0asm magic number', 0);
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new DecodeError(`unsupported WebAssembly binary version ${bytes[4]} (only version 1 is supported)`, 4);
  }
  const info: ModuleInfo = {
    bytes, sections: [], types: [], imports: [], importedFuncs: 0, funcTypes: [], memories: [], tables: [], globals: [], exports: [], code: [],
  };
  const r = new Reader(bytes, 8);
  let lastRank = 0;
  while (!r.done) {
    const id = r.u8();
    const size = r.u32();
    if (r.pos + size > bytes.length) r.fail(`section ${id} claims ${size} bytes but the module is truncated`);
    const start = r.pos;
    const payload = r.slice(size);
    if (id !== SECTION.custom) {
      const rank = sectionRank(id);
      if (rank === 0) throw new DecodeError(`unknown section id ${id}`, start - 1);
      if (rank <= lastRank) throw new DecodeError(`section ${id} is out of order or repeated`, start - 1);
      lastRank = rank;
    }
    info.sections.push({ id, payload });
    decodeSection(info, id, new Reader(bytes, start, start + size));
  }
  return info;
}

function decodeSection(info: ModuleInfo, id: number, r: Reader): void {
  switch (id) {
    case SECTION.type: return decodeTypes(info, r);
    case SECTION.import: return decodeImports(info, r);
    case SECTION.function: {
      const n = r.u32();
      for (let i = 0; i < n; i++) info.funcTypes.push(r.u32());
      return;
    }
    case SECTION.table: {
      const n = r.u32();
      for (let i = 0; i < n; i++) info.tables.push(readTableType(r));
      return;
    }
    case SECTION.memory: {
      const n = r.u32();
      for (let i = 0; i < n; i++) info.memories.push(readMemoryLimits(r));
      return;
    }
    case SECTION.global: {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        info.globals.push(readValType(r));
        r.u8(); // mutability
        skipConstExpr(r);
      }
      return;
    }
    case SECTION.export: {
      const n = r.u32();
      for (let i = 0; i < n; i++) info.exports.push({ name: r.name(), kind: r.u8(), index: r.u32() });
      return;
    }
    case SECTION.code: return decodeCode(info, r);
    default:
  }
}

/** Skips a constant expression (global initialiser, segment offset) up to and including its `end`. */
function skipConstExpr(r: Reader): void {
  while (readInstruction(r) !== Op.End);
}

function decodeTypes(info: ModuleInfo, r: Reader): void {
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const form = r.u8();
    if (form !== 0x60) r.fail(`type ${i} is not a function type (GC and recursive types are not supported)`);
    const params = readValTypes(r);
    const results = readValTypes(r);
    info.types.push({ params, results });
  }
}

function readValTypes(r: Reader): ValType[] {
  const n = r.u32();
  const out: ValType[] = [];
  for (let i = 0; i < n; i++) out.push(readValType(r));
  return out;
}

export function readValType(r: Reader): ValType {
  const t = r.u8();
  if (t === 0x63 || t === 0x64) r.fail('typed function references are not supported');
  if (![0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f].includes(t)) r.fail(`unknown value type 0x${t.toString(16)}`);
  return t;
}

function readLimits(r: Reader, what: string): Limits {
  const flags = r.u8();
  if (flags & 0x02) r.fail(`shared ${what} is not supported (threads break determinism)`);
  if (flags & 0x04) r.fail(`64-bit ${what} is not supported`);
  if (flags > 0x01) r.fail(`unknown ${what} limits flags 0x${flags.toString(16)}`);
  const min = r.u32();
  const max = flags & 0x01 ? r.u32() : null;
  return { min, max };
}

export function readMemoryLimits(r: Reader): Limits {
  return readLimits(r, 'memory');
}

function readTableType(r: Reader): { refType: number; limits: Limits } {
  const refType = readValType(r);
  return { refType, limits: readLimits(r, 'table') };
}

function decodeImports(info: ModuleInfo, r: Reader): void {
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const module = r.name();
    const name = r.name();
    const kind = r.u8();
    switch (kind) {
      case 0x00:
        info.imports.push({ module, name, kind: 'func', typeIndex: r.u32() });
        info.importedFuncs++;
        break;
      case 0x01:
        info.imports.push({ module, name, kind: 'table', refType: readTableType(r).refType });
        break;
      case 0x02:
        info.imports.push({ module, name, kind: 'memory', limits: readMemoryLimits(r) });
        break;
      case 0x03: {
        const type = readValType(r);
        r.u8();
        info.imports.push({ module, name, kind: 'global', type });
        break;
      }
      case 0x04:
        r.u8();
        r.u32();
        info.imports.push({ module, name, kind: 'tag' });
        break;
      default:
        r.fail(`unknown import kind ${kind}`);
    }
  }
}

function decodeCode(info: ModuleInfo, r: Reader): void {
  const n = r.u32();
  if (n !== info.funcTypes.length) r.fail(`code section has ${n} bodies but the function section declares ${info.funcTypes.length}`);
  for (let i = 0; i < n; i++) {
    const size = r.u32();
    const bodyEnd = r.pos + size;
    if (bodyEnd > r.end) r.fail(`function body ${i} is truncated`);
    const body = new Reader(r.bytes, r.pos, bodyEnd);
    const groups = body.u32();
    const locals: CodeBody['locals'] = [];
    let total = 0;
    for (let g = 0; g < groups; g++) {
      const count = body.u32();
      total += count;
      if (total > 50000) body.fail(`function ${i} declares more than 50000 locals`);
      locals.push({ count, type: readValType(body) });
    }
    info.code.push({ locals, start: body.pos, end: bodyEnd });
    r.pos = bodyEnd;
  }
}
