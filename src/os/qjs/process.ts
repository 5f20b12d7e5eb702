/**
 * One running `qjs` process as its host functions see it: the kernel `Proc`, the buffered
 * output, per-descriptor read buffers, and the queue of kernel calls the script made during its
 * current slice. The driver (./program.ts) runs that queue in order between slices, so a
 * script's system calls reach the kernel one after another, as a blocking C program's would.
 */
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from 'quickjs-emscripten-core';
import { OsError, type Proc } from '../types.js';

/** Makes the value a settled call resolves with (called between slices, when the context is free). */
const strict = new TextDecoder('utf-8', { fatal: true });

export type Settle = (ctx: QuickJSContext) => QuickJSHandle;

export type Action =
  | { kind: 'out'; fd: number; bytes: Uint8Array }
  | { kind: 'call'; deferred: QuickJSDeferredPromise; run: (p: Proc) => Promise<Settle> };

/**
 * Output a script may buffer without waiting (print in a loop with no await); beyond it print
 * throws, so a runaway writer ends instead of filling memory (the kernel's stdout cap is 1 MiB too).
 */
export const MAX_BUFFERED_OUTPUT = 1024 * 1024;

export class QjsProcess {
  /** The script's calls and buffered writes, in the order it made them. */
  actions: Action[] = [];
  bufferedBytes = 0;
  /** std.exit / os.exit: the status to end with. */
  exitStatus: number | null = null;
  /** A kernel error that is not the guest's (Killed, Stopped): the driver rethrows it. */
  fatal: unknown = null;
  /** A NEAR panic or the NEAR log cap: the process ends with status 134 and this on stderr. */
  aborted: { kind: string; message: string } | null = null;
  /** Bytes read ahead by getline / readAsString, per descriptor. */
  private readonly ahead = new Map<number, Uint8Array>();

  constructor(
    readonly proc: Proc,
    readonly argv: readonly string[],
  ) {}

  /** Reads up to `max` bytes: what getline read ahead first, then the descriptor. */
  async read(fd: number, max: number): Promise<Uint8Array | null> {
    const buffered = this.ahead.get(fd);
    if (buffered && buffered.length > 0) {
      const n = Math.min(max, buffered.length);
      this.ahead.set(fd, buffered.subarray(n));
      return buffered.slice(0, n);
    }
    return this.proc.read(fd, max);
  }

  /**
   * Every complete line already read ahead, as one piece, when nothing is queued before it (no
   * kernel call needed, so no slice ends) and it is valid UTF-8 without NUL (so the guest can
   * hand back what it does not use, byte for byte, with `unread`); undefined otherwise.
   */
  linesReady(fd: number): Uint8Array | undefined {
    if (this.actions.some((a) => a.kind === 'call')) return undefined;
    const have = this.ahead.get(fd);
    const end = have ? have.lastIndexOf(10) : -1;
    if (!have || end < 0) return undefined;
    const lines = have.subarray(0, end + 1);
    if (lines.includes(0)) return undefined;
    try {
      strict.decode(lines);
    } catch {
      return undefined;
    }
    this.ahead.set(fd, have.subarray(end + 1));
    return lines.slice();
  }

  /** Puts bytes back in front of what was read ahead on `fd`. */
  unread(fd: number, bytes: Uint8Array): void {
    const have = this.ahead.get(fd) ?? new Uint8Array(0);
    const joined = new Uint8Array(bytes.length + have.length);
    joined.set(bytes);
    joined.set(have, bytes.length);
    this.ahead.set(fd, joined);
  }

  /** The next line (without '\n'), or null at end of file. A last line without '\n' is returned as is. */
  async getline(fd: number): Promise<Uint8Array | null> {
    let have = this.ahead.get(fd) ?? new Uint8Array(0);
    for (;;) {
      const nl = have.indexOf(10);
      if (nl >= 0) {
        this.ahead.set(fd, have.subarray(nl + 1));
        return have.slice(0, nl);
      }
      const chunk = await this.proc.read(fd, 65536);
      if (chunk === null) {
        this.ahead.delete(fd);
        return have.length === 0 ? null : have.slice();
      }
      const joined = new Uint8Array(have.length + chunk.length);
      joined.set(have);
      joined.set(chunk, have.length);
      have = joined;
    }
  }

  /** Everything to end of file, or the first `max` bytes (max < 0: no limit). */
  async readAll(fd: number, max: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      if (max >= 0 && total >= max) break;
      const chunk = await this.read(fd, max >= 0 ? Math.min(65536, max - total) : 65536);
      if (chunk === null) break;
      parts.push(chunk);
      total += chunk.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Forgets what was read ahead on `fd` (it was closed or replaced). */
  dropAhead(fd: number): void {
    this.ahead.delete(fd);
  }

  /**
   * Runs the queued actions in order: buffered output is written (a reader that went away is
   * the writer's problem, as with stdio: the error is dropped, SIGPIPE still kills), calls are
   * made and their promises settled. Kernel errors that are not OsError propagate.
   */
  async drain(ctx: QuickJSContext, settleError: (e: OsError) => QuickJSHandle): Promise<void> {
    // Settling runs no guest code, so nothing is queued meanwhile: one pass takes everything.
    const queued = this.actions;
    this.actions = [];
    for (const action of queued) {
      if (action.kind === 'out') {
        this.bufferedBytes -= action.bytes.length;
        try {
          await this.proc.write(action.fd, action.bytes);
        } catch (e) {
          if (!(e instanceof OsError)) throw e;
        }
        continue;
      }
      let settle: Settle;
      try {
        settle = await action.run(this.proc);
      } catch (e) {
        if (!(e instanceof OsError)) {
          action.deferred.dispose();
          throw e;
        }
        const error = settleError(e);
        action.deferred.reject(error);
        error.dispose();
        action.deferred.dispose();
        continue;
      }
      const value = settle(ctx);
      action.deferred.resolve(value);
      value.dispose();
      action.deferred.dispose();
    }
  }

  /** Writes what is still buffered (at exit). */
  async flushOutput(): Promise<void> {
    const outs = this.actions.filter((a) => a.kind === 'out');
    for (const a of this.actions) if (a.kind === 'call') a.deferred.dispose();
    this.actions = [];
    for (const o of outs) {
      try {
        await this.proc.write(o.fd, o.bytes);
      } catch (e) {
        if (!(e instanceof OsError)) throw e;
      }
    }
  }
}
