/**
 * The guest's virtual filesystem: an in-memory tree of directories and files (bytes). Nothing of
 * the host filesystem is visible; every path resolves inside the tree and `..` at the root stays
 * at the root. Usage is metered against a quota (file bytes + ENTRY_OVERHEAD per entry) so a
 * write past it fails with ENOSPC and changes nothing.
 *
 * @example
 *   const vfs = Vfs.fromImage({ '/etc/motd': 'hello\n' }, { quotaBytes: 1 << 20 });
 *   vfs.mkdir('/tmp/a/b', '/', { recursive: true });
 *   const snap = vfs.snapshot(); // JSON-able, content-addressed
 *   Vfs.fromSnapshot(JSON.parse(JSON.stringify(snap)));
 */
import type { Stat } from '../types.js';
import { osError } from './errno.js';
import { DirNode, FileNode } from './inode.js';
import type { Node } from './inode.js';
import { decodeSnapshot, encodeSnapshot, isSnapshot } from './snapshot.js';
import type { VfsSnapshot } from './snapshot.js';

/** Bytes each directory entry (file or directory) counts against the quota. */
export const ENTRY_OVERHEAD = 64;
/** PATH_MAX and NAME_MAX of Linux. */
export const MAX_PATH = 4096;
export const MAX_NAME = 255;
export const DEFAULT_QUOTA_BYTES = 64 * 1024 * 1024;

export interface VfsOptions {
  /** Total file bytes + ENTRY_OVERHEAD per entry. Default 64 MiB. */
  quotaBytes?: number;
  /** The virtual clock stamping mtimes. Default: always 0. */
  clock?: () => bigint;
}

/** What a kernel mounts: a snapshot, or a plain `{ path: content }` object (a path ending in '/' is a directory). */
export type VfsImage = VfsSnapshot | Readonly<Record<string, string | Uint8Array>>;

interface Walked {
  parent: DirNode;
  /** null when the path ends in '.', '..' or is '/': `node` is then that directory. */
  name: string | null;
  node: Node | undefined;
  trailingSlash: boolean;
}

const encoder = new TextEncoder();

export class Vfs {
  readonly root: DirNode;
  readonly quotaBytes: number;
  clock: () => bigint;
  private used = 0;
  private nextIno = 1;

  constructor(options: VfsOptions = {}) {
    const quota = options.quotaBytes ?? DEFAULT_QUOTA_BYTES;
    if (!Number.isSafeInteger(quota) || quota < 0) throw new TypeError(`quotaBytes must be a non-negative integer, got ${String(quota)}`);
    this.quotaBytes = quota;
    this.clock = options.clock ?? (() => 0n);
    this.root = new DirNode(this.nextIno++, this.clock(), null);
  }

  /** A VFS holding `image` (a snapshot or a `{ path: content }` object). */
  static fromImage(image: VfsImage, options: VfsOptions = {}): Vfs {
    if (isSnapshot(image)) return Vfs.fromSnapshot(image, options);
    const vfs = new Vfs(options);
    if (typeof image !== 'object' || image === null || Array.isArray(image)) throw osError('EINVAL', 'image');
    for (const path of Object.keys(image).sort()) {
      const content = image[path];
      if (path.endsWith('/') && content === '') {
        vfs.mkdir(path, '/', { recursive: true });
        continue;
      }
      if (typeof content !== 'string' && !(content instanceof Uint8Array)) throw osError('EINVAL', `image entry ${path}`);
      const slash = path.lastIndexOf('/');
      if (slash > 0) vfs.mkdir(path.slice(0, slash), '/', { recursive: true });
      vfs.writeFile(path, content, '/');
    }
    return vfs;
  }

  /** Validates `snap` strictly (shape, names, hashes, no unused blobs) and builds a VFS from it; EINVAL when invalid. */
  static fromSnapshot(snap: unknown, options: VfsOptions = {}): Vfs {
    const vfs = new Vfs(options);
    decodeSnapshot(snap, {
      dir: (parent, name, mtimeNs) => vfs.addNode(parent, name, new DirNode(vfs.nextIno++, mtimeNs, parent)) as DirNode,
      file: (parent, name, mtimeNs, data) => {
        const file = vfs.addNode(parent, name, new FileNode(vfs.nextIno++, mtimeNs)) as FileNode;
        vfs.writeAt(file, 0, data);
        file.mtimeNs = mtimeNs;
        return file;
      },
      root: (mtimeNs) => {
        vfs.root.mtimeNs = mtimeNs;
        return vfs.root;
      },
    });
    return vfs;
  }

  /** A JSON-able copy of the tree; file contents are stored once per distinct content, by sha256. */
  snapshot(): VfsSnapshot {
    return encodeSnapshot(this.root);
  }

  /** Bytes counted against the quota. */
  get usedBytes(): number {
    return this.used;
  }

  // ---- path resolution ----

  /** The node at `path` (relative paths start at `cwd`, an absolute path). */
  lookup(path: string, cwd = '/'): Node {
    const w = this.walk(path, cwd);
    if (!w.node) throw osError('ENOENT', path);
    if (w.trailingSlash && w.node.kind !== 'dir') throw osError('ENOTDIR', path);
    return w.node;
  }

  /** The normalized absolute path of the directory at `path` (for a process's cwd). */
  realpath(path: string, cwd = '/'): string {
    const node = this.lookup(path, cwd);
    if (node.kind !== 'dir') throw osError('ENOTDIR', path);
    const parts: string[] = [];
    for (const c of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
      if (c === '' || c === '.') continue;
      if (c === '..') parts.pop();
      else parts.push(c);
    }
    return `/${parts.join('/')}`;
  }

  private walk(path: string, cwd: string): Walked {
    if (typeof path !== 'string' || path === '') throw osError('ENOENT', String(path));
    if (path.length > MAX_PATH) throw osError('ENAMETOOLONG', `${path.slice(0, 32)}…`);
    let dir = this.root;
    if (!path.startsWith('/')) {
      const start = cwd === '/' ? this.root : this.lookup(cwd, '/');
      if (start.kind !== 'dir') throw osError('ENOTDIR', cwd);
      dir = start;
    }
    const parts = path.split('/').filter((c) => c !== '');
    const trailingSlash = path.endsWith('/');
    if (parts.length === 0) return { parent: dir, name: null, node: dir, trailingSlash };
    for (let i = 0; i < parts.length; i++) {
      const c = parts[i]!;
      if (c.length > MAX_NAME) throw osError('ENAMETOOLONG', path);
      const last = i === parts.length - 1;
      if (c === '.' || c === '..') {
        dir = c === '..' ? dir.parent : dir;
        if (last) return { parent: dir.parent, name: null, node: dir, trailingSlash };
        continue;
      }
      const next = dir.entries.get(c);
      if (last) return { parent: dir, name: c, node: next, trailingSlash };
      if (!next) throw osError('ENOENT', path);
      if (next.kind !== 'dir') throw osError('ENOTDIR', path);
      dir = next;
    }
    throw new Error('unreachable');
  }

  // ---- queries ----

  stat(path: string, cwd = '/'): Stat {
    return statOf(this.lookup(path, cwd));
  }

  readdir(path: string, cwd = '/'): string[] {
    const node = this.lookup(path, cwd);
    if (node.kind !== 'dir') throw osError('ENOTDIR', path);
    return [...node.entries.keys()].sort();
  }

  readFile(path: string, cwd = '/'): Uint8Array {
    const node = this.lookup(path, cwd);
    if (node.kind !== 'file') throw osError('EISDIR', path);
    return node.bytes().slice();
  }

  // ---- changes ----

  /** Creates, truncates or replaces the file at `path` with `data`. */
  writeFile(path: string, data: Uint8Array | string, cwd = '/', options: { append?: boolean } = {}): void {
    const file = this.openFile(path, cwd, { create: true, truncate: !options.append });
    this.writeAt(file, options.append ? file.size : 0, typeof data === 'string' ? encoder.encode(data) : data);
  }

  /** The file at `path`, created (create) or emptied (truncate) as asked; EISDIR for a directory. */
  openFile(path: string, cwd: string, flags: { create?: boolean; exclusive?: boolean; truncate?: boolean }): FileNode {
    const w = this.walk(path, cwd);
    let node = w.node;
    if (node && flags.create && flags.exclusive) throw osError('EEXIST', path);
    if (!node) {
      if (!flags.create) throw osError('ENOENT', path);
      if (w.trailingSlash || w.name === null) throw osError('EISDIR', path);
      node = this.addNode(w.parent, w.name, new FileNode(this.nextIno++, this.clock()));
    }
    if (node.kind !== 'file') throw osError('EISDIR', path);
    if (w.trailingSlash) throw osError('ENOTDIR', path);
    if (flags.truncate && node.size > 0) this.truncate(node, 0);
    return node;
  }

  /** mkdir; with `recursive`, mkdir -p (missing parents too, an existing directory is fine). */
  mkdir(path: string, cwd = '/', options: { recursive?: boolean } = {}): void {
    if (options.recursive) {
      this.mkdirs(path, cwd);
      return;
    }
    const w = this.walk(path, cwd);
    if (w.node || w.name === null) throw osError('EEXIST', path);
    this.addNode(w.parent, w.name, new DirNode(this.nextIno++, this.clock(), w.parent));
  }

  /** mkdir -p: `path` and every missing parent. */
  private mkdirs(path: string, cwd: string): void {
    let prefix = path.startsWith('/') ? '/' : '';
    for (const c of path.split('/').filter((x) => x !== '')) {
      prefix += (prefix === '' || prefix.endsWith('/') ? '' : '/') + c;
      const w = this.walk(prefix, cwd);
      if (!w.node) this.addNode(w.parent, w.name!, new DirNode(this.nextIno++, this.clock(), w.parent));
      else if (w.node.kind !== 'dir') throw osError('ENOTDIR', prefix);
    }
  }

  unlink(path: string, cwd = '/'): void {
    const w = this.walk(path, cwd);
    if (!w.node) throw osError('ENOENT', path);
    if (w.node.kind === 'dir') throw osError('EISDIR', path);
    if (w.trailingSlash) throw osError('ENOTDIR', path);
    this.removeEntry(w.parent, w.name!);
  }

  rmdir(path: string, cwd = '/'): void {
    const w = this.walk(path, cwd);
    if (!w.node) throw osError('ENOENT', path);
    if (w.node.kind !== 'dir') throw osError('ENOTDIR', path);
    if (w.node === this.root) throw osError('EPERM', path);
    if (w.name === null) throw osError('EINVAL', path);
    if (w.node.entries.size > 0) throw osError('ENOTEMPTY', path);
    this.removeEntry(w.parent, w.name);
  }

  /** rename(2): replaces an existing file (or empty directory) at `to`; a directory cannot move into its own subtree (EINVAL). */
  rename(from: string, to: string, cwd = '/'): void {
    const src = this.walk(from, cwd);
    if (!src.node) throw osError('ENOENT', from);
    if (src.name === null || src.node === this.root) throw osError('EINVAL', from);
    if (src.trailingSlash && src.node.kind !== 'dir') throw osError('ENOTDIR', from);
    const dst = this.walk(to, cwd);
    if (dst.name === null) throw osError(dst.node === src.node ? 'EINVAL' : 'EEXIST', to);
    const node = src.node;
    if (node.kind === 'dir') {
      for (let d = dst.parent; ; d = d.parent) {
        if (d === node) throw osError('EINVAL', `${from} -> ${to}`);
        if (d === this.root) break;
      }
    } else if (dst.trailingSlash) throw osError('ENOTDIR', to);
    const existing = dst.node;
    if (existing === node) return;
    if (existing) {
      if (existing.kind === 'dir' && node.kind !== 'dir') throw osError('EISDIR', to);
      if (existing.kind !== 'dir' && node.kind === 'dir') throw osError('ENOTDIR', to);
      if (existing.kind === 'dir' && existing.entries.size > 0) throw osError('ENOTEMPTY', to);
      this.removeEntry(dst.parent, dst.name);
    }
    src.parent.entries.delete(src.name);
    dst.parent.entries.set(dst.name, node);
    if (node.kind === 'dir') node.parent = dst.parent;
    const now = this.clock();
    src.parent.mtimeNs = now;
    dst.parent.mtimeNs = now;
  }

  /** Writes `bytes` at `offset` (a gap reads as zeros); ENOSPC, with nothing written, past the quota. */
  writeAt(file: FileNode, offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length;
    if (end > file.size) {
      this.reserve(end - file.size);
      if (end > file.data.length) {
        const grown = new Uint8Array(Math.max(end, Math.min(file.data.length * 2, this.quotaBytes)));
        grown.set(file.data.subarray(0, file.size));
        file.data = grown;
      }
      file.size = end;
    }
    file.data.set(bytes, offset);
    file.mtimeNs = this.clock();
  }

  truncate(file: FileNode, size: number): void {
    if (size > file.size) {
      this.writeAt(file, file.size, new Uint8Array(size - file.size));
      return;
    }
    file.data.fill(0, size, file.size);
    this.used -= file.size - size;
    file.size = size;
    file.mtimeNs = this.clock();
  }

  /** An open file description now refers to `file`. */
  retain(file: FileNode): void {
    file.opens++;
  }

  /** An open file description of `file` closed: an unlinked file's bytes are freed with the last. */
  release(file: FileNode): void {
    file.opens--;
    if (!file.linked && file.opens === 0) this.used -= file.size;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes > this.quotaBytes) throw osError('ENOSPC');
    this.used += bytes;
  }

  private addNode(parent: DirNode, name: string, node: Node): Node {
    if (name.length > MAX_NAME) throw osError('ENAMETOOLONG', name);
    this.reserve(ENTRY_OVERHEAD);
    parent.entries.set(name, node);
    parent.mtimeNs = this.clock();
    return node;
  }

  private removeEntry(parent: DirNode, name: string): void {
    const node = parent.entries.get(name)!;
    parent.entries.delete(name);
    parent.mtimeNs = this.clock();
    this.used -= ENTRY_OVERHEAD;
    if (node.kind === 'file') {
      node.linked = false;
      if (node.opens === 0) this.used -= node.size;
    }
  }
}

export function statOf(node: Node): Stat {
  return node.kind === 'file' ? { kind: 'file', size: node.size, mtimeNs: node.mtimeNs, ino: node.ino } : { kind: 'dir', size: node.entries.size, mtimeNs: node.mtimeNs, ino: node.ino };
}
