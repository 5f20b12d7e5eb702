/**
 * stdio backed by the host instead of fixed bytes: fd 0 reads from, and fds 1 and 2 write to, a
 * `StdioStreams` object (the guest OS wires them to a process's descriptors). A host answer may
 * be a promise; the WASI call then hands it to the `Suspender` (the asyncify runner,
 * ../asyncify/run.ts), which unwinds the guest, awaits it, rewinds, and lets the call finish with
 * the value. Only fds 0, 1 and 2 are streamed: files and preopens stay in memory or on a mount
 * (./mount.ts), whose calls answer at once.
 */

/** What the host behind fds 0/1/2 provides. A returned promise blocks the guest until it settles. */
export interface StdioStreams {
  /** Up to `max` bytes from fd 0 (empty only when `max` is 0); null at end of file. */
  read(fd: 0, max: number): Promise<Uint8Array | null> | Uint8Array | null;
  /** Writes all of `bytes` to fd 1 or 2 (the array is the host's to keep). */
  write(fd: 1 | 2, bytes: Uint8Array): Promise<void> | void;
}

/**
 * Thrown (or rejected with) by a stream to fail the guest's call with a WASI errno, e.g. EPIPE
 * for a pipe with no reader left. Anything else a stream throws or rejects with ends the run:
 * it reaches the caller of the runner (the OS's Killed and Stopped take this way).
 */
export class StreamErrno {
  constructor(readonly errno: number) {}
}

/** Parks a WASI call on a host promise (see the file comment). */
export interface Suspender {
  /**
   * Unwinds the guest until `promise` settles, then rewinds it into the same call, which returns
   * `finish(value)`. Returns the placeholder the import gives back while unwinding.
   */
  suspend<T>(promise: Promise<T>, finish: (value: T) => number): number;
  /**
   * While the guest is being rewound into the call that suspended: completes it (no fuel is
   * charged again) — the function to run for the call's result. Otherwise null.
   */
  resume(): (() => number) | null;
}

export function isPromise<T>(v: Promise<T> | T): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * fd 0 over a stream, with one chunk of look-ahead so that poll_oneoff can wait for input and
 * report how much there is without losing it.
 */
export class StreamInput {
  /** A chunk read for poll and not yet consumed; null: end of file seen; undefined: none. */
  private ahead: Uint8Array | null | undefined = undefined;

  constructor(private readonly streams: StdioStreams) {}

  /** Up to `max` bytes (empty at end of file), or a promise of them. */
  read(max: number): Promise<Uint8Array> | Uint8Array {
    if (this.ahead !== undefined) {
      const chunk = this.ahead;
      if (chunk === null) return new Uint8Array(0);
      if (chunk.length <= max) this.ahead = undefined;
      else this.ahead = chunk.subarray(max);
      return chunk.subarray(0, max);
    }
    const r = this.streams.read(0, max);
    return isPromise(r) ? r.then((c) => c ?? new Uint8Array(0)) : (r ?? new Uint8Array(0));
  }

  /** Bytes known to be ready (0 at end of file), or undefined when poll must wait (`fill`). */
  ready(): { bytes: number; eof: boolean } | undefined {
    if (this.ahead === undefined) return undefined;
    return { bytes: this.ahead?.length ?? 0, eof: this.ahead === null };
  }

  /** Reads one chunk ahead; resolves (or returns) once `ready()` is known. */
  fill(max: number): Promise<void> | void {
    const r = this.streams.read(0, max);
    if (!isPromise(r)) {
      this.ahead = r;
      return;
    }
    return r.then((c) => {
      this.ahead = c;
    });
  }
}

function rejected(e: unknown): Promise<never> {
  return Promise.reject(e);
}

/** What the WASI calls of a streamed run hold (WasiContext.streams). */
export interface StreamStdio {
  readonly host: StdioStreams;
  readonly input: StreamInput;
  readonly suspender: Suspender;
}

/**
 * Makes one host call for a WASI call: its value goes to `finish` now, or after the guest was
 * unwound and rewound when it is a promise. A StreamErrno thrown at once is the call's errno;
 * anything else thrown ends the run, as a rejection would.
 */
export function callStream<T>(s: StreamStdio, call: () => Promise<T> | T, finish: (value: T) => number): number {
  let r: Promise<T> | T;
  try {
    r = call();
  } catch (e) {
    if (e instanceof StreamErrno) return e.errno;
    return s.suspender.suspend(rejected(e), finish);
  }
  return isPromise(r) ? s.suspender.suspend(r, finish) : finish(r);
}
