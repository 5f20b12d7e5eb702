/**
 * A filesystem the host mounts at a preopen instead of an in-memory Volume tree: the guest OS
 * mounts its kernel's VFS at `/` this way (src/os/wasi-fs.ts), so a WASI process reads and writes
 * the same files as every other process, live. The WASI calls on a mount's descriptors
 * (./calls-mount.ts, ./calls-mount-path.ts) keep the preview1 rules — rights, path checks, fuel per
 * call and per byte — and ask the mount for the rest.
 *
 * ```ts
 * new Wasi({ ...config, mounts: [{ guestPath: '/', fs: myMountFs }] }, host); // fd 3 after any preopens
 * ```
 *
 * The contract of a `MountFs`:
 * - Paths are absolute in the mount (`/a/b`), `/`-separated, and may hold `.`, `..` and a trailing
 *   `/`; resolving them is the mount's business, and `..` must never leave the mount's root. A
 *   mount has no symbolic or hard links.
 * - Every method is synchronous. A guest-visible failure throws `WasiErrno` (an errno of
 *   ./errno.ts); anything else thrown ends the run (`HostStop`: the runner rejects with it).
 * - Handles are the mount's own numbers, for files and directories alike; the WASI descriptor
 *   closes its handle when it closes.
 */
import { HostStop } from '../signals.js';
import { WasiErrno } from './errno.js';
import { checkPath } from './path.js';

export type MountFiletype = 'file' | 'dir' | 'chardev';

export interface MountStat {
  filetype: MountFiletype;
  /** File length in bytes (directories: ignored, reported as 0). */
  size: number;
  /** Inode number, unique within the mount. */
  ino: number;
  /** Last change, ns since the epoch (reported as atim, mtim and ctim). */
  mtimNs: bigint;
}

export interface MountDirent {
  name: string;
  filetype: MountFiletype;
  ino: number;
}

export interface MountOpenFlags {
  read: boolean;
  write: boolean;
  /** Create a missing file (EISDIR for a missing path ending in `/`). */
  create: boolean;
  /** With create: EEXIST when it exists. */
  exclusive: boolean;
  /** Empty the file when it is opened for writing. */
  truncate: boolean;
}

export type MountWhence = 'set' | 'cur' | 'end';

export interface MountFs {
  /** Opens the file or directory at `path` (a directory only for reading: EISDIR otherwise). */
  open(path: string, flags: MountOpenFlags): number;
  close(handle: number): void;
  /** Up to `max` bytes from the handle's offset (moved), or from `position` (not moved); empty at end of file. */
  read(handle: number, max: number, position?: number): Uint8Array;
  /** All of `bytes` at the handle's offset (moved past them), or at `position` (not moved). */
  write(handle: number, bytes: Uint8Array, position?: number): void;
  /** Moves the offset; the new offset. */
  seek(handle: number, offset: number, whence: MountWhence): number;
  fstat(handle: number): MountStat;
  /** Sets the length of a file open for writing (growth reads as zeros). */
  truncate(handle: number, size: number): void;
  stat(path: string): MountStat;
  /** The entries of the directory at `path`, without `.` and `..`, in the order to report them. */
  readdir(path: string): MountDirent[];
  mkdir(path: string): void;
  unlink(path: string): void;
  rmdir(path: string): void;
  rename(from: string, to: string): void;
}

/** A mount as the WASI calls use it: the methods of `fs`, with any non-errno failure made a HostStop. */
export class MountedFs implements MountFs {
  constructor(
    private readonly fs: MountFs,
    /** The filestat `dev` of its nodes (the in-memory volume is 1). */
    readonly dev: bigint,
    /** Called after every call (WasiHost.mountCalled): the mount may have spent a shared budget. */
    private readonly called: () => void = () => {},
  ) {}

  private call<T>(fn: () => T): T {
    try {
      try {
        return fn();
      } finally {
        this.called();
      }
    } catch (e) {
      throw e instanceof WasiErrno ? e : new HostStop(e);
    }
  }

  open(path: string, flags: MountOpenFlags): number {
    return this.call(() => this.fs.open(path, flags));
  }
  close(handle: number): void {
    this.call(() => this.fs.close(handle));
  }
  read(handle: number, max: number, position?: number): Uint8Array {
    return this.call(() => this.fs.read(handle, max, position));
  }
  write(handle: number, bytes: Uint8Array, position?: number): void {
    this.call(() => this.fs.write(handle, bytes, position));
  }
  seek(handle: number, offset: number, whence: MountWhence): number {
    return this.call(() => this.fs.seek(handle, offset, whence));
  }
  fstat(handle: number): MountStat {
    return this.call(() => this.fs.fstat(handle));
  }
  truncate(handle: number, size: number): void {
    this.call(() => this.fs.truncate(handle, size));
  }
  stat(path: string): MountStat {
    return this.call(() => this.fs.stat(path));
  }
  readdir(path: string): MountDirent[] {
    return this.call(() => this.fs.readdir(path));
  }
  mkdir(path: string): void {
    this.call(() => this.fs.mkdir(path));
  }
  unlink(path: string): void {
    this.call(() => this.fs.unlink(path));
  }
  rmdir(path: string): void {
    this.call(() => this.fs.rmdir(path));
  }
  rename(from: string, to: string): void {
    this.call(() => this.fs.rename(from, to));
  }
}

/** The mount path of guest path `rel` under the mount directory `dir` (checked as ./path.ts checks). */
export function mountPath(dir: string, rel: string): string {
  checkPath(rel); // NUL → EINVAL, empty → ENOENT, too long → ENAMETOOLONG, absolute → ENOTCAPABLE
  return dir === '/' ? `/${rel}` : `${dir}/${rel}`;
}

/** `path` without `.`, `..` (which stays at `/`) and empty components: a directory's canonical path. */
export function normalizeMountPath(path: string): string {
  const parts: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return `/${parts.join('/')}`;
}

/** The parent directory of a canonical path (`/` for `/`). */
export function parentMountPath(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

/** Whether a WASI config's mount has every MountFs method (the config is refused otherwise). */
export function isMountFs(fs: unknown): fs is MountFs {
  const methods = ['open', 'close', 'read', 'write', 'seek', 'fstat', 'truncate', 'stat', 'readdir', 'mkdir', 'unlink', 'rmdir', 'rename'];
  return typeof fs === 'object' && fs !== null && methods.every((m) => typeof (fs as Record<string, unknown>)[m] === 'function');
}
