/**
 * Drives binaryen's asyncify exports for one instance: the `Suspender` WASI calls hand their
 * host promises to (../wasi/streams.ts).
 *
 * suspend:  asyncify_start_unwind(data); the import returns; every guest frame saves its locals
 *           into `data` and returns, so the entry the host called returns; then (`unwound`)
 *           asyncify_stop_unwind, and the saved stack is copied out of guest memory.
 * rewind:   the stack is copied back, asyncify_start_rewind(data), and the host calls the same
 *           entry again; the frames restore their locals and call down to the suspended import,
 *           which (`resume`) calls asyncify_stop_rewind and returns the call's real result.
 *
 * Where the data lives: asyncify needs a buffer in the guest's memory, and no region is free in
 * every guest (allocators differ: wasi-libc's starts at __heap_end, TinyGo's takes everything up
 * to memory.size). But only asyncify's own bookkeeping runs between start_unwind and stop_unwind,
 * and between start_rewind and stop_rewind, and it touches nothing but the buffer. So the buffer
 * borrows the first DATA_BYTES of memory: their bytes are saved before, and put back right after,
 * each unwind and each rewind; the guest never sees them change. Costs two copies of up to
 * DATA_BYTES per switch.
 */
import { GuestAbort } from '../signals.js';
import type { Suspender } from '../wasi/streams.js';

/** The borrowed region: an 8-byte header (stack position, stack end) and the saved frames. */
export const DATA_BYTES = 64 * 1024;
const HEADER = 8;
/** asyncify_get_state: 0 normal, 1 unwinding, 2 rewinding. */
const UNWINDING = 1;

interface AsyncifyExports {
  asyncify_start_unwind(ptr: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(ptr: number): void;
  asyncify_stop_rewind(): void;
  asyncify_get_state(): number;
}

/** A call parked on a host promise: what to await, and how the call finishes with its value. */
export interface Parked {
  promise: Promise<unknown>;
  finish: (value: unknown) => number;
}

export class Unwinder implements Suspender {
  private exports: AsyncifyExports | null = null;
  private parked: Parked | null = null;
  /** Set from `rewind` until the rewound import asks for it. */
  private resumeWith: (() => number) | null = null;
  /** Guest bytes under the borrowed region while asyncify uses it. */
  private saved = new Uint8Array(0);
  /** The saved frames (header included) between an unwind and the rewind. */
  private frames = new Uint8Array(0);

  constructor(private readonly memory: () => WebAssembly.Memory | null) {}

  bind(instance: WebAssembly.Instance): void {
    const e = instance.exports as unknown as Partial<AsyncifyExports>;
    if (typeof e.asyncify_start_unwind !== 'function' || typeof e.asyncify_stop_rewind !== 'function' || typeof e.asyncify_get_state !== 'function') {
      throw new Error('the module was not rewritten by asyncify');
    }
    this.exports = e as AsyncifyExports;
  }

  private bytes(): Uint8Array {
    const memory = this.memory();
    if (!memory) throw new GuestAbort('trap', 'the module has no memory to unwind its stack into');
    return new Uint8Array(memory.buffer);
  }

  suspend<T>(promise: Promise<T>, finish: (value: T) => number): number {
    if (!this.exports || this.parked || this.resumeWith) throw new Error('asyncify: a call suspended while another was parked');
    // A run that ends before awaiting (a trap while unwinding) must not leave a rejection unhandled.
    promise.then(undefined, () => {});
    const bytes = this.bytes();
    const size = Math.min(DATA_BYTES, bytes.length);
    this.saved = bytes.slice(0, size);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, HEADER, true);
    view.setUint32(4, size, true);
    this.parked = { promise, finish: finish as (value: unknown) => number };
    this.exports.asyncify_start_unwind(0);
    return 0;
  }

  /**
   * After the entry returned: the parked call if the guest unwound (the stack is then saved and
   * guest memory as it was), or null if it simply finished.
   */
  unwound(): Parked | null {
    const parked = this.parked;
    if (!parked || !this.exports) return null;
    this.parked = null;
    if (this.exports.asyncify_get_state() !== UNWINDING) throw new Error('asyncify: a call suspended but the guest did not unwind');
    this.exports.asyncify_stop_unwind();
    const bytes = this.bytes();
    const end = new DataView(bytes.buffer).getUint32(0, true);
    if (end > this.saved.length) {
      // asyncify wrote past the region (it checks only afterwards): guest memory is no longer whole.
      throw new GuestAbort('trap', `asyncify: the unwound stack needs more than ${this.saved.length} bytes`);
    }
    this.frames = bytes.slice(0, end);
    bytes.set(this.saved.subarray(0, end), 0);
    return parked;
  }

  /** Prepares to re-enter the guest: the frames go back, and the rewound call will return `result()`. */
  rewind(result: () => number): void {
    if (!this.exports) throw new Error('asyncify: rewind before bind');
    const bytes = this.bytes();
    this.saved = bytes.slice(0, this.frames.length);
    bytes.set(this.frames, 0);
    this.resumeWith = result;
    this.exports.asyncify_start_rewind(0);
  }

  resume(): (() => number) | null {
    const result = this.resumeWith;
    if (!result || !this.exports) return null;
    this.resumeWith = null;
    this.exports.asyncify_stop_rewind();
    this.bytes().set(this.saved, 0);
    return result;
  }

  /** True if a rewind was started but the guest never got back to the parked call. */
  rewinding(): boolean {
    return this.resumeWith !== null;
  }
}
