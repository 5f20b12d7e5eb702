/**
 * Rewrites the function references held outside code: element segments (function indices or
 * `ref.func` expressions) and global initialisers. The metering pass uses it to point a table
 * slot or a funcref global at an adapter instead of the original function.
 * Spec: https://webassembly.github.io/spec/core/binary/modules.html#element-section
 */
import { Reader, Writer } from './bytes.js';
import { Op, readInstruction } from './instructions.js';
import { readValType } from './module.js';

export type FuncMap = (func: number) => number;

/** Copies one constant expression through its `end`, mapping `ref.func` targets. */
export function copyConstExpr(r: Reader, w: Writer, map: FuncMap): void {
  for (;;) {
    const start = r.pos;
    const op = readInstruction(r);
    if (op === Op.RefFunc) {
      w.u8(0xd2).u32(map(new Reader(r.bytes, start + 1, r.pos).u32()));
    } else {
      w.bytes(r.bytes.subarray(start, r.pos));
    }
    if (op === Op.End) return;
  }
}

/** Calls `visit` for every function an element segment names (index or `ref.func`). */
export function elementFuncs(payload: Uint8Array, visit: (func: number) => void): void {
  mapElements(payload, (f) => {
    visit(f);
    return f;
  });
}

/** Re-encodes an element section with every function reference passed through `map`. */
export function mapElements(payload: Uint8Array, map: FuncMap): Uint8Array {
  const r = new Reader(payload);
  const w = new Writer(payload.length + 16);
  const count = r.u32();
  w.u32(count);
  for (let i = 0; i < count; i++) {
    // Flags: bit 0 passive/declarative, bit 1 explicit table (active) or declarative, bit 2 expressions.
    const flags = r.u32();
    if (flags > 7) r.fail(`unknown element segment kind ${flags}`);
    w.u32(flags);
    const active = (flags & 1) === 0;
    if (active && flags & 2) w.u32(r.u32()); // table index
    if (active) copyConstExpr(r, w, map); // offset
    if (flags & 3) w.u8(flags & 4 ? readValType(r) : r.u8()); // reftype, or elemkind 0x00
    const n = r.u32();
    w.u32(n);
    for (let k = 0; k < n; k++) {
      if (flags & 4) copyConstExpr(r, w, map);
      else w.u32(map(r.u32()));
    }
  }
  return w.finish();
}

/** Re-encodes a global section with `ref.func` initialisers mapped, then `extra` appended. */
export function mapGlobals(payload: Uint8Array | undefined, map: FuncMap, extra: (w: Writer) => number): Uint8Array {
  const body = new Writer((payload?.length ?? 0) + 32);
  let count = 0;
  if (payload) {
    const r = new Reader(payload);
    count = r.u32();
    for (let i = 0; i < count; i++) {
      body.u8(readValType(r)).u8(r.u8());
      copyConstExpr(r, body, map);
    }
  }
  count += extra(body);
  return new Writer(body.length + 5).u32(count).bytes(body.finish()).finish();
}

/** Calls `visit` for every function a global initialiser names with `ref.func`. */
export function globalFuncs(payload: Uint8Array, visit: (func: number) => void): void {
  mapGlobals(payload, (f) => {
    visit(f);
    return f;
  }, () => 0);
}

/**
 * Appends a declarative segment naming `funcs` to an element section (or makes one), so that
 * `ref.func` may name them: the spec only allows functions that elements, exports or globals
 * mention, and the meter may have moved an export to an entry.
 */
export function declareFuncs(payload: Uint8Array | undefined, funcs: number[]): Uint8Array {
  const w = new Writer((payload?.length ?? 0) + funcs.length * 3 + 8);
  const r = payload ? new Reader(payload) : null;
  w.u32((r ? r.u32() : 0) + 1);
  if (r && payload) w.bytes(payload.subarray(r.pos));
  w.u32(3).u8(0x00).u32(funcs.length);
  for (const f of funcs) w.u32(f);
  return w.finish();
}
