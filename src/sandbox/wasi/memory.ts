/**
 * Bounds-checked access to the guest's linear memory. Every pointer and length from the guest goes
 * through `range()`: anything outside the memory (including u32 overflow of ptr + len) fails the
 * call with EFAULT instead of raising a host RangeError.
 *
 * The memory is fetched from the host on every access, because `memory.grow` detaches the old
 * ArrayBuffer.
 */
import { Errno, fail } from './errno.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Most buffers one read/write call may name (POSIX IOV_MAX on Linux; more is EINVAL there too). */
export const IOV_MAX = 1024;

export interface Iovec {
  readonly ptr: number;
  readonly len: number;
}

export class GuestMemory {
  private buffer: ArrayBufferLike | null = null;
  private view = new DataView(new ArrayBuffer(0));
  private bytes = new Uint8Array(0);

  constructor(private readonly source: () => WebAssembly.Memory) {}

  // Callers must take offsets from range() before touching `view`/`bytes`: range() refreshes them.
  private refresh(): void {
    const buffer = this.source().buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.view = new DataView(buffer);
      this.bytes = new Uint8Array(buffer);
    }
  }

  /**
   * Validates `[ptr, ptr + len)` and returns `ptr` as an unsigned offset. Negative numbers are raw
   * i32 arguments and are read as u32; larger computed values (ptr + field offset, count * size)
   * are kept as they are, so nothing wraps around.
   */
  range(ptr: number, len: number): number {
    this.refresh();
    const p = ptr < 0 ? ptr >>> 0 : ptr;
    const l = len < 0 ? len >>> 0 : len;
    if (!(p + l <= this.bytes.length)) fail(Errno.FAULT);
    return p;
  }

  u8(ptr: number): number {
    const p = this.range(ptr, 1);
    return this.view.getUint8(p);
  }
  setU8(ptr: number, value: number): void {
    const p = this.range(ptr, 1);
    this.view.setUint8(p, value);
  }
  u16(ptr: number): number {
    const p = this.range(ptr, 2);
    return this.view.getUint16(p, true);
  }
  setU16(ptr: number, value: number): void {
    const p = this.range(ptr, 2);
    this.view.setUint16(p, value, true);
  }
  u32(ptr: number): number {
    const p = this.range(ptr, 4);
    return this.view.getUint32(p, true);
  }
  setU32(ptr: number, value: number): void {
    const p = this.range(ptr, 4);
    this.view.setUint32(p, value >>> 0, true);
  }
  u64(ptr: number): bigint {
    const p = this.range(ptr, 8);
    return this.view.getBigUint64(p, true);
  }
  setU64(ptr: number, value: bigint | number): void {
    const p = this.range(ptr, 8);
    this.view.setBigUint64(p, BigInt.asUintN(64, BigInt(value)), true);
  }

  /** A live view of guest bytes; valid only until the guest runs again (no copy). */
  slice(ptr: number, len: number): Uint8Array {
    const p = this.range(ptr, len);
    return this.bytes.subarray(p, p + (len < 0 ? len >>> 0 : len));
  }

  /** A copy of guest bytes. */
  read(ptr: number, len: number): Uint8Array {
    return this.slice(ptr, len).slice();
  }

  write(ptr: number, data: Uint8Array): void {
    const p = this.range(ptr, data.length);
    this.bytes.set(data, p);
  }

  /** Decodes a UTF-8 string (paths, symlink targets); invalid UTF-8 fails with EILSEQ. */
  string(ptr: number, len: number): string {
    const raw = this.read(ptr, len); // a copy: TextDecoder refuses views of shared memory
    try {
      return utf8Decoder.decode(raw);
    } catch {
      return fail(Errno.ILSEQ);
    }
  }

  /** Reads an iovec/ciovec array; each buffer is checked when it is used. */
  iovecs(ptr: number, count: number): Iovec[] {
    const n = count < 0 ? count >>> 0 : count;
    if (n > IOV_MAX) fail(Errno.INVAL);
    const base = this.range(ptr, n * 8);
    const out: Iovec[] = [];
    for (let i = 0; i < n; i++) {
      out.push({ ptr: this.view.getUint32(base + i * 8, true), len: this.view.getUint32(base + i * 8 + 4, true) });
    }
    return out;
  }

  /**
   * The iovec array at (ptr, count) with every buffer and the u32 result at `resultPtr` checked
   * before anything moves, and the buffers' total length.
   */
  buffers(ptr: number, count: number, resultPtr: number): { list: Iovec[]; total: number } {
    const list = this.iovecs(ptr, count);
    let total = 0;
    for (const v of list) {
      this.range(v.ptr, v.len);
      total += v.len;
    }
    this.range(resultPtr, 4);
    return { list, total };
  }

  /** Concatenates the first `limit` bytes of the buffers (fd_write, fd_pwrite). */
  gather(list: readonly Iovec[], limit: number): Uint8Array {
    const data = new Uint8Array(limit);
    let at = 0;
    for (const v of list) {
      if (at >= limit) break;
      const n = Math.min(v.len, limit - at);
      data.set(this.slice(v.ptr, n), at);
      at += n;
    }
    return data;
  }

  /** Copies `data` into the buffers in order; returns bytes copied (fd_read, fd_pread). */
  scatter(list: readonly Iovec[], data: Uint8Array): number {
    let at = 0;
    for (const v of list) {
      if (at >= data.length) break;
      const n = Math.min(v.len, data.length - at);
      this.write(v.ptr, data.subarray(at, at + n));
      at += n;
    }
    return at;
  }
}
