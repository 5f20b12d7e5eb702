/**
 * What every group of WASI calls shares: guest memory, the descriptor table, the filesystem,
 * clocks, randomness and stdio; plus the small checks most calls start with.
 */
import type { VirtualClock } from './clock.js';
import { Filetype } from './constants.js';
import { Errno, fail } from './errno.js';
import type { DirFd, FdEntry, FdTable, FileFd } from './fds.js';
import { filetypeOf, sizeOf, type Node } from './fs.js';
import type { GuestMemory } from './memory.js';
import { PATH_MAX } from './path.js';
import type { SeededRandom } from './random.js';
import type { InputSource, OutputSink } from './stdio.js';
import type { StreamStdio } from './streams.js';
import type { Volume } from './volume.js';

export interface WasiContext {
  readonly mem: GuestMemory;
  readonly fds: FdTable;
  readonly volume: Volume;
  readonly clock: VirtualClock;
  readonly random: SeededRandom;
  readonly stdin: InputSource;
  readonly stdout: OutputSink;
  readonly stderr: OutputSink;
  /** Set when fds 0/1/2 are host streams (then `stdin`, `stdout`, `stderr` are unused). */
  readonly streams: StreamStdio | null;
  /** argv entries, UTF-8, without terminators. */
  readonly args: readonly Uint8Array[];
  /** `KEY=VALUE` entries, UTF-8, without terminators. */
  readonly env: readonly Uint8Array[];
  /** Charges ceil(bytes / 8) fuel for bytes moved between host and guest. */
  chargeBytes(bytes: number): void;
}

// `any[]` so each call can declare its own wasm-typed parameters (i32 → number, i64 → bigint).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Syscall = (...args: any[]) => number | void;
export type SyscallTable = Record<string, Syscall>;

/** Fails with ENOTCAPABLE unless `entry` holds every right in `rights`. */
export function requireRights(entry: FdEntry, rights: number): void {
  if ((entry.rightsBase & rights) !== rights) fail(Errno.NOTCAPABLE);
}

/** The directory descriptor `fd` with `rights` (EBADF / ENOTDIR / ENOTCAPABLE otherwise). */
export function dirFd(ctx: WasiContext, fd: number, rights: number): DirFd {
  const entry = ctx.fds.get(fd);
  if (entry.kind !== 'dir') fail(entry.kind === 'file' ? Errno.NOTDIR : Errno.BADF);
  requireRights(entry, rights);
  return entry;
}

/**
 * The regular-file descriptor `fd` with `rights`. Stdio gets `stdioErrno` (ESPIPE for seeks, as
 * wasmtime), directories EBADF.
 */
export function fileFd(ctx: WasiContext, fd: number, rights: number, stdioErrno: number = Errno.BADF): FileFd {
  const entry = ctx.fds.get(fd);
  if (entry.kind !== 'file') fail(entry.kind === 'dir' ? Errno.BADF : stdioErrno);
  requireRights(entry, rights);
  return entry;
}

/** Reads a path argument (UTF-8, at most PATH_MAX bytes), charging for its bytes. */
export function readPath(ctx: WasiContext, ptr: number, len: number): string {
  const n = len >>> 0;
  if (n > PATH_MAX) fail(Errno.NAMETOOLONG);
  ctx.chargeBytes(n);
  return ctx.mem.string(ptr, n);
}

/** A u64 argument as a JS number; larger than 2^53 fails with `errno`. */
export function toSafeNumber(value: bigint, errno: number = Errno.INVAL): number {
  const v = BigInt.asUintN(64, value);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(errno);
  return Number(v);
}

/** Writes a preview1 `filestat` (64 bytes) for `node`. dev is 1 for the whole in-memory volume. */
export function writeFilestat(mem: GuestMemory, ptr: number, node: Node): void {
  mem.range(ptr, 64);
  mem.setU64(ptr, 1n);
  mem.setU64(ptr + 8, node.ino);
  mem.setU8(ptr + 16, filetypeOf(node));
  mem.setU64(ptr + 24, node.nlink);
  mem.setU64(ptr + 32, sizeOf(node));
  mem.setU64(ptr + 40, node.atim);
  mem.setU64(ptr + 48, node.mtim);
  mem.setU64(ptr + 56, node.ctim);
}

/** Writes the filestat of a stdio character device (no inode: zeros, as wasmtime). */
export function writeStdioFilestat(mem: GuestMemory, ptr: number): void {
  mem.range(ptr, 64);
  mem.slice(ptr, 64).fill(0);
  mem.setU8(ptr + 16, Filetype.CHARACTER_DEVICE);
}

/**
 * Applies preview1 `fstflags` to a node: explicit times, NOW (the virtual clock), or no change.
 * Setting both a time and its NOW flag, or unknown bits, fails with EINVAL before anything changes.
 */
export function checkFstflags(flags: number): void {
  if ((flags & ~15) !== 0 || (flags & 3) === 3 || (flags & 12) === 12) fail(Errno.INVAL);
}

export function setTimes(ctx: WasiContext, node: Node, atim: bigint, mtim: bigint, flags: number): void {
  checkFstflags(flags);
  const now = ctx.volume.now();
  if (flags & 1) node.atim = BigInt.asUintN(64, atim);
  if (flags & 2) node.atim = now;
  if (flags & 4) node.mtim = BigInt.asUintN(64, mtim);
  if (flags & 8) node.mtim = now;
  if (flags !== 0) node.ctim = now;
}
