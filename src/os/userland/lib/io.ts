/**
 * Shared plumbing for the host-side userland tools: byte-exact text (each byte one UTF-16 code
 * unit, "binary strings", so comparisons are LC_ALL=C byte order), buffered metered output, input
 * streams, POSIX error messages, and the `tool` wrapper that turns an escaping OsError into
 * `name: message` and status 1.
 *
 * Fuel: every byte a tool reads or writes is charged FUEL.byte here (on top of what the kernel
 * charges for its system calls), so tools are metered the same on every run and engine.
 */
import { FUEL, OsError } from '../../types.js';
import type { Errno, Proc, Program } from '../../types.js';

/** strerror(3) texts, as glibc spells them in the C locale. */
const STRERROR: Record<Errno, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EBADF: 'Bad file descriptor',
  EPIPE: 'Broken pipe',
  ENOSPC: 'No space left on device',
  EINVAL: 'Invalid argument',
  EACCES: 'Permission denied',
  ECHILD: 'No child processes',
  EAGAIN: 'Resource temporarily unavailable',
  ESRCH: 'No such process',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  EMFILE: 'Too many open files',
  EXDEV: 'Invalid cross-device link',
  EPERM: 'Operation not permitted',
};

/** The OsError `e`, or rethrows it: budget exhaustion, kills and host bugs must propagate. */
export function osError(e: unknown): OsError {
  if (e instanceof OsError) return e;
  throw e;
}

/** strerror of an OsError (rethrows anything else). */
export function strerror(e: unknown): string {
  return STRERROR[osError(e).code] ?? osError(e).message;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes → binary string (one char per byte). Not TextDecoder('latin1'), which is windows-1252. */
export function toBin(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** Binary string → bytes. */
export function fromBin(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** A JS string (argv, file names) as the binary string of its UTF-8 bytes. */
export function argBin(s: string): string {
  return toBin(encoder.encode(s));
}

/** A binary string read back as UTF-8 text (for paths built from file contents). */
export function binText(s: string): string {
  return decoder.decode(fromBin(s));
}

const OUT_BUFFER = 8192;

/** One run of a tool: its Proc, name, and buffered stdout. */
export class Tool {
  private pending: Uint8Array[] = [];
  private size = 0;
  /** Set once a write to stdout failed, so the error is reported as a write error. */
  writeFailed = false;

  constructor(
    readonly p: Proc,
    readonly name: string,
  ) {}

  /** Queues bytes (or a binary string) for stdout, flushing when the buffer is full. */
  async out(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? fromBin(data) : data;
    if (bytes.length === 0) return;
    this.p.charge(bytes.length * FUEL.byte);
    this.pending.push(bytes);
    this.size += bytes.length;
    if (this.size >= OUT_BUFFER) await this.flush();
  }

  /** Queues text (UTF-8) for stdout. */
  async text(s: string): Promise<void> {
    await this.out(encoder.encode(s));
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.pending) {
      all.set(c, at);
      at += c.length;
    }
    this.pending = [];
    this.size = 0;
    try {
      await this.p.write(1, all);
    } catch (e) {
      osError(e);
      this.writeFailed = true;
      throw e;
    }
  }

  /** Writes `name: message` to stderr (after flushing stdout, so the two interleave in order). */
  async error(message: string): Promise<void> {
    if (!this.writeFailed) await this.flush();
    try {
      await this.p.write(2, encoder.encode(`${this.name}: ${message}\n`));
    } catch (e) {
      osError(e); // stderr gone: nowhere left to complain
    }
  }

  /** Reads a whole descriptor, charging FUEL.byte per byte. */
  async readAll(fd: number): Promise<string> {
    let s = '';
    for await (const chunk of this.chunks(fd)) s += toBin(chunk);
    return s;
  }

  /** The descriptor's data in chunks as they arrive (charged). */
  chunks(fd: number): AsyncGenerator<Uint8Array> {
    return readChunks(this.p, fd);
  }

  /** The descriptor's lines, each with its '\n' (the last may lack it), as binary strings. */
  async *lines(fd: number): AsyncGenerator<string> {
    let rest = '';
    for await (const chunk of readChunks(this.p, fd)) {
      const s = rest + toBin(chunk);
      let start = 0;
      for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', start)) {
        yield s.slice(start, nl + 1);
        start = nl + 1;
      }
      rest = s.slice(start);
    }
    if (rest !== '') yield rest;
  }

  /**
   * Runs `body` on each input operand ('-' or none: stdin), opening and closing files; a file
   * that cannot be read is reported as `name: file: reason` and makes the status 1.
   */
  async eachInput(operands: readonly string[], body: (fd: number, label: string) => Promise<void>): Promise<number> {
    let status = 0;
    for (const operand of operands.length ? operands : ['-']) {
      let fd = 0;
      try {
        if (operand !== '-') fd = await this.p.open(operand, { read: true });
        await body(fd, operand);
      } catch (e) {
        if (this.writeFailed) throw e;
        await this.error(`${operand}: ${strerror(e)}`);
        status = 1;
      } finally {
        if (fd !== 0) this.p.close(fd);
      }
    }
    return status;
  }
}

const READ_SIZE = 65536;

async function* readChunks(p: Proc, fd: number): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = await p.read(fd, READ_SIZE);
    if (chunk === null) return;
    p.charge(chunk.length * FUEL.byte);
    if (chunk.length) yield chunk;
  }
}

/** Usage errors: reported as `name: message` and the tool's usage status. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Wraps a tool body as a Program: flushes stdout at the end; an OsError escaping the body is
 * printed as `name: reason` (`name: write error: reason` for stdout) with status 1; a UsageError
 * with `usageStatus` (1 by default, 2 for sort, ls, test…).
 */
export function tool(name: string, body: (t: Tool, args: readonly string[]) => Promise<number>, usageStatus = 1): Program {
  return async (p) => {
    const t = new Tool(p, name);
    try {
      const status = await body(t, p.argv.slice(1));
      await t.flush();
      return status;
    } catch (e) {
      if (e instanceof UsageError) {
        await t.error(e.message);
        return usageStatus;
      }
      const reason = strerror(e);
      await t.error(t.writeFailed ? `write error: ${reason}` : reason);
      return 1;
    }
  };
}
