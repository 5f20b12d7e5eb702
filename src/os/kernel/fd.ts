/**
 * File descriptors. A descriptor points at an open file description (a file with its offset, a
 * directory, one end of a pipe, or a captured output); dup2 and spawn share descriptions, as
 * POSIX does, so a shared file offset moves for both. A description is released — a pipe end
 * stops counting as a reader or writer — when its last descriptor closes.
 */
import type { Stat } from '../types.js';
import { osError } from './errno.js';
import type { DirNode, FileNode } from './inode.js';
import type { Pipe } from './pipe.js';

/** Descriptors per process (EMFILE beyond). */
export const MAX_FDS = 256;

/** Where a captured stdout/stderr goes: bytes up to `limit`. */
export class Capture {
  readonly chunks: Uint8Array[] = [];
  bytes = 0;
  constructor(readonly limit: number) {}

  concat(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

export type Description = { refs: number } & (
  | { kind: 'file'; node: FileNode; offset: number; read: boolean; write: boolean; append: boolean }
  | { kind: 'dir'; node: DirNode }
  | { kind: 'pipe-read'; pipe: Pipe }
  | { kind: 'pipe-write'; pipe: Pipe }
  | { kind: 'capture'; capture: Capture }
  /** /dev/null: reads give end of file, writes are discarded. */
  | { kind: 'null' }
);

/** What `fdKind` reports: captured output and stdin count as pipes. */
export function kindOf(d: Description): Stat['kind'] {
  return d.kind === 'file' || d.kind === 'dir' ? d.kind : d.kind === 'null' ? 'file' : 'pipe';
}

export class FdTable {
  private readonly fds = new Map<number, Description>();

  constructor(private readonly onRelease: (d: Description) => void) {}

  get(fd: number): Description {
    const d = Number.isInteger(fd) ? this.fds.get(fd) : undefined;
    if (!d) throw osError('EBADF', `fd ${fd}`);
    return d;
  }

  has(fd: number): boolean {
    return this.fds.has(fd);
  }

  /** Installs `d` at the lowest free descriptor. */
  install(d: Description): number {
    for (let fd = 0; fd < MAX_FDS; fd++) {
      if (!this.fds.has(fd)) {
        this.set(fd, d);
        return fd;
      }
    }
    throw osError('EMFILE');
  }

  /** Makes `fd` refer to `d`, closing what it referred to first. */
  set(fd: number, d: Description): void {
    if (!Number.isInteger(fd) || fd < 0 || fd >= MAX_FDS) throw osError('EBADF', `fd ${fd}`);
    d.refs++;
    if (this.fds.has(fd)) this.close(fd);
    this.fds.set(fd, d);
  }

  close(fd: number): void {
    const d = this.get(fd);
    this.fds.delete(fd);
    if (--d.refs === 0) this.onRelease(d);
  }

  closeAll(): void {
    for (const fd of [...this.fds.keys()].sort((a, b) => a - b)) this.close(fd);
  }
}
