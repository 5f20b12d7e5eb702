/**
 * The descriptor table: 0/1/2 are stdio, 3.. the preopens, then whatever path_open returns.
 * New descriptors take the lowest free number (POSIX), so numbering is deterministic.
 */
import { Errno, fail } from './errno.js';
import type { DirNode, FileNode } from './fs.js';
import type { MountDirent, MountedFs } from './mount.js';
import type { Volume } from './volume.js';

/** Open descriptors a guest may hold at once. */
export const MAX_OPEN_FDS = 4096;

interface FdBase {
  /** Rights this descriptor has (preview1 `rights`, bits < 2^30). */
  rightsBase: number;
  /** Rights descriptors opened through this one may get. */
  rightsInheriting: number;
  /** preview1 `fdflags` as set by path_open / fd_fdstat_set_flags. */
  flags: number;
}

export interface StdioFd extends FdBase {
  readonly kind: 'stdin' | 'stdout' | 'stderr';
}

export interface FileFd extends FdBase {
  readonly kind: 'file';
  readonly node: FileNode;
  /** Current offset; may lie past the end of the file. */
  position: number;
}

export interface DirFd extends FdBase {
  readonly kind: 'dir';
  readonly node: DirNode;
  /** The guest path of a preopen (fd_prestat_*); null for directories opened later. */
  readonly preopen: string | null;
}

/** A directory of a mounted filesystem (./mount.ts): a preopen (no handle) or one path_open gave. */
export interface MountDirFd extends FdBase {
  readonly kind: 'mount-dir';
  readonly mount: MountedFs;
  /** Its canonical path in the mount (path calls resolve from it). */
  readonly path: string;
  /** The mount's handle; null for the preopen itself. */
  readonly handle: number | null;
  readonly preopen: string | null;
  /** The entries fd_readdir reports, listed at cookie 0 and kept while the guest reads on. */
  listing: readonly MountDirent[] | null;
}

/** A file (or device) of a mounted filesystem; the mount keeps its offset. */
export interface MountFileFd extends FdBase {
  readonly kind: 'mount-file';
  readonly mount: MountedFs;
  readonly handle: number;
  /** preview1 filetype: a regular file or a character device. */
  readonly filetype: number;
}

export type FdEntry = StdioFd | FileFd | DirFd | MountDirFd | MountFileFd;

export class FdTable {
  private readonly open = new Map<number, FdEntry>();
  private lowestFree = 0;

  constructor(private readonly volume: Volume) {}

  /** The entry for `fd`, or EBADF. */
  get(fd: number): FdEntry {
    const entry = this.open.get(fd >>> 0);
    if (entry === undefined) fail(Errno.BADF);
    return entry;
  }

  /** The entry for `fd`, or undefined when it is not open. */
  find(fd: number): FdEntry | undefined {
    return this.open.get(fd >>> 0);
  }

  /** Installs `entry` under the lowest free number and returns it (EMFILE when the table is full). */
  insert(entry: FdEntry): number {
    if (this.open.size >= MAX_OPEN_FDS) fail(Errno.MFILE);
    let fd = this.lowestFree;
    while (this.open.has(fd)) fd++;
    this.open.set(fd, entry);
    this.lowestFree = fd + 1;
    if (entry.kind === 'file') this.volume.retain(entry.node);
    return fd;
  }

  close(fd: number): void {
    const n = fd >>> 0;
    const entry = this.get(n);
    this.open.delete(n);
    if (entry.kind === 'file') this.volume.release(entry.node);
    if (n < this.lowestFree) this.lowestFree = n;
    // Last: a mount may end the run here (HostStop), and the number is free either way.
    if (entry.kind === 'mount-file' || (entry.kind === 'mount-dir' && entry.handle !== null)) entry.mount.close(entry.handle!);
  }

  /**
   * Moves `from` to number `to`, closing what `to` held. Both must be open (EBADF otherwise), as in
   * wasmtime and wasi-testsuite's `renumber`: preview1 has no dup2-style "claim a free number".
   */
  renumber(from: number, to: number): void {
    const f = from >>> 0;
    const t = to >>> 0;
    const entry = this.get(f);
    this.get(t);
    if (f === t) return;
    this.close(t);
    this.open.delete(f);
    this.open.set(t, entry);
    if (f < this.lowestFree) this.lowestFree = f;
  }
}
