/**
 * A pipe: a bounded byte buffer with reader and writer counts. It never blocks by itself — the
 * kernel blocks a process until `readable()` or `writable()` holds, through the scheduler, so the
 * interleaving stays the scheduler's decision.
 */
export const DEFAULT_PIPE_CAPACITY = 64 * 1024;

export class Pipe {
  private buffer: Uint8Array;
  private start = 0;
  private length = 0;
  readers = 0;
  writers = 0;

  constructor(readonly capacity = DEFAULT_PIPE_CAPACITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new TypeError(`pipe capacity must be a positive integer, got ${capacity}`);
    this.buffer = new Uint8Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  /** A read would not block: there is data, or every writer has closed (EOF). */
  readable(): boolean {
    return this.length > 0 || this.writers === 0;
  }

  /** A write would not block: there is room, or no reader is left (SIGPIPE/EPIPE). */
  writable(): boolean {
    return this.length < this.capacity || this.readers === 0;
  }

  /** Takes up to `max` bytes (fewer when fewer are buffered). */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.length);
    const out = new Uint8Array(n);
    const first = Math.min(n, this.capacity - this.start);
    out.set(this.buffer.subarray(this.start, this.start + first));
    if (n > first) out.set(this.buffer.subarray(0, n - first), first);
    this.start = (this.start + n) % this.capacity;
    this.length -= n;
    if (this.length === 0) this.start = 0;
    return out;
  }

  /** Appends as much of `data` as fits; how many bytes were taken. */
  put(data: Uint8Array): number {
    const n = Math.min(data.length, this.capacity - this.length);
    const end = (this.start + this.length) % this.capacity;
    const first = Math.min(n, this.capacity - end);
    this.buffer.set(data.subarray(0, first), end);
    if (n > first) this.buffer.set(data.subarray(first, n), 0);
    this.length += n;
    return n;
  }
}
