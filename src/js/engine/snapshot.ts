/**
 * Snapshot and restore of QuickJS's linear memory, so every execution starts from the same
 * initialised, hardened heap in microseconds instead of rebuilding the engine (tens of ms).
 *
 * Emscripten lays memory out as [static data][stack, growing down][heap, growing up to sbrk].
 * Between calls no stack frame is live, so the state to restore is: the static data, the part
 * of the stack region ever written, and the heap up to the break. Everything an execution could
 * have written beyond the snapshot — deeper stack, heap past the old break — is zeroed, so
 * nothing (not even garbage) survives from one execution into the next.
 *
 * The address of emscripten's `sbrk` pointer is not exported: `locateBreak` finds it once by
 * watching which word moves when a large block is allocated, and verifies the answer.
 */

const PAGE = 4096;
const CHUNK = 65536;
/** A run of zero chunks this long separates static data from the (mostly empty) stack region. */
const GAP_CHUNKS = 8;

export interface Snapshot {
  /** [0, dataEnd): static data and bss, restored whole. */
  dataEnd: number;
  /** [liveStart, breakAtSnapshot): the used stack top and the heap, restored whole. */
  liveStart: number;
  breakAtSnapshot: number;
  bytes: Uint8Array;
  /** Address of emscripten's sbrk pointer (a u32 in static data). */
  breakPtr: number;
}

/** Finds the u32 holding the heap break: the highest word that moves past a new large block. */
export function locateBreak(memory: WebAssembly.Memory, malloc: (n: number) => number, free: (p: number) => void): number {
  const size = 1 << 20;
  const before = new Uint32Array(memory.buffer.slice(0, 1 << 20));
  const block = malloc(size);
  if (!block) throw new Error('snapshot: could not allocate a probe block');
  const after = new Uint32Array(memory.buffer, 0, before.length);
  let best = -1;
  let bestValue = 0;
  for (let i = 0; i < before.length; i++) {
    const v = after[i]!;
    if (v !== before[i] && v >= block + size && v <= block + size + (1 << 20) && v > bestValue) {
      best = i * 4;
      bestValue = v;
    }
  }
  free(block);
  if (best < 0) throw new Error('snapshot: could not locate the heap break pointer');
  return best;
}

export function readBreak(memory: WebAssembly.Memory, breakPtr: number): number {
  return new Uint32Array(memory.buffer, breakPtr, 1)[0]!;
}

/** Takes a snapshot of the memory as it is now (between calls). */
export function takeSnapshot(memory: WebAssembly.Memory, breakPtr: number): Snapshot {
  const mem = new Uint8Array(memory.buffer);
  const brk = readBreak(memory, breakPtr);
  const chunks = Math.ceil(brk / CHUNK);
  const used = (c: number): boolean => {
    const view = new BigUint64Array(memory.buffer, c * CHUNK, CHUNK / 8);
    for (let i = 0; i < view.length; i++) if (view[i] !== 0n) return true;
    return false;
  };
  // Static data ends where the first long run of empty chunks (the unused stack) begins.
  let dataEnd = -1;
  for (let c = 0, run = 0; c < chunks; c++) {
    run = used(c) ? 0 : run + 1;
    if (run === GAP_CHUNKS) {
      dataEnd = (c - GAP_CHUNKS + 1) * CHUNK;
      break;
    }
  }
  if (dataEnd < 0) throw new Error('snapshot: could not find the stack region');
  let liveStart = dataEnd;
  while (liveStart < brk && isZero(mem, liveStart, PAGE)) liveStart += PAGE;
  if (breakPtr >= dataEnd) throw new Error('snapshot: the break pointer is not in static data');
  const bytes = new Uint8Array(dataEnd + (brk - liveStart));
  bytes.set(mem.subarray(0, dataEnd), 0);
  bytes.set(mem.subarray(liveStart, brk), dataEnd);
  return { dataEnd, liveStart, breakAtSnapshot: brk, bytes, breakPtr };
}

function isZero(mem: Uint8Array, start: number, length: number): boolean {
  const view = new BigUint64Array(mem.buffer, start, length / 8);
  for (let i = 0; i < view.length; i++) if (view[i] !== 0n) return false;
  return true;
}

/**
 * Puts the memory back to the snapshot. Returns the number of bytes written (for benchmarks).
 * Deeper stack use is found by scanning down from the snapshot's lowest stack page until four
 * empty pages in a row: frames are written from their top, so a used frame is never all zero.
 */
export function restoreSnapshot(memory: WebAssembly.Memory, snap: Snapshot): number {
  const mem = new Uint8Array(memory.buffer);
  let written = 0;
  // Heap past the snapshot's break.
  const brk = readBreak(memory, snap.breakPtr);
  if (brk > snap.breakAtSnapshot) {
    mem.fill(0, snap.breakAtSnapshot, Math.min(brk, mem.length));
    written += brk - snap.breakAtSnapshot;
  }
  // Stack deeper than at the snapshot.
  let low = snap.liveStart;
  for (let empty = 0; low - PAGE >= snap.dataEnd && empty < 4; ) {
    low -= PAGE;
    if (isZero(mem, low, PAGE)) empty++;
    else {
      empty = 0;
      mem.fill(0, low, low + PAGE);
      written += PAGE;
    }
  }
  mem.set(snap.bytes.subarray(0, snap.dataEnd), 0);
  mem.set(snap.bytes.subarray(snap.dataEnd), snap.liveStart);
  return written + snap.bytes.length;
}
