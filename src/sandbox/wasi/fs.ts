/**
 * The in-memory filesystem's nodes, and helpers to build trees for preopens:
 *
 * ```ts
 * const root = dir({ 'data.txt': file('hello'), sub: dir({ link: symlink('../data.txt') }) });
 * new Wasi({ ...config, preopens: [{ guestPath: '/data', root }] }, host);
 * ```
 *
 * A Wasi instance works on its own copy of each preopened tree, so guest writes never change the
 * tree passed in and one tree can seed many runs. The same FileNode placed twice is a hard link.
 */
import { Filetype } from './constants.js';

const encoder = new TextEncoder();

/** Timestamps and identity shared by every node kind (ns since the epoch, virtual clock). */
interface NodeMeta {
  ino: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export class FileNode implements NodeMeta {
  readonly kind = 'file';
  ino = 0n;
  atim = 0n;
  mtim = 0n;
  ctim = 0n;
  /** Directory entries naming this file. */
  nlink = 0;
  /** Open descriptors; an unlinked file keeps its bytes until the last one closes. */
  openCount = 0;
  /** Backing store; only the first `size` bytes are file content. */
  data: Uint8Array;
  size: number;
  /** True while `data` may be shared with the tree this node was copied from (copy on write). */
  shared = false;

  constructor(content: Uint8Array = new Uint8Array(0)) {
    this.data = content;
    this.size = content.length;
  }

  content(): Uint8Array {
    return this.data.subarray(0, this.size);
  }
}

export class DirNode implements NodeMeta {
  readonly kind = 'dir';
  ino = 0n;
  atim = 0n;
  mtim = 0n;
  ctim = 0n;
  /** Containing directory; null for a preopen root or a removed directory. */
  parent: DirNode | null = null;
  /** Set by rmdir: an open descriptor may outlive the directory, which then refuses new entries. */
  removed = false;
  private readonly map = new Map<string, Node>();
  private subdirs = 0;
  private snapshot: (readonly [string, Node])[] | null = null;

  /** Entries in creation order (readdir order and cookies follow it). Change them with put/remove. */
  get entries(): ReadonlyMap<string, Node> {
    return this.map;
  }

  /** Adds or replaces entry `name`. */
  put(name: string, node: Node): void {
    this.remove(name);
    this.map.set(name, node);
    if (node.kind === 'dir') this.subdirs++;
    this.snapshot = null;
  }

  /** Removes entry `name` if present. */
  remove(name: string): void {
    const old = this.map.get(name);
    if (old === undefined) return;
    this.map.delete(name);
    if (old.kind === 'dir') this.subdirs--;
    this.snapshot = null;
  }

  /** The entries as an array, cached until the next change (readdir resumes by index in O(1)). */
  list(): readonly (readonly [string, Node])[] {
    return (this.snapshot ??= [...this.map]);
  }

  /** POSIX link count: the entry in the parent, `.`, and each subdirectory's `..`. */
  get nlink(): number {
    return 2 + this.subdirs;
  }
}

export class SymlinkNode implements NodeMeta {
  readonly kind = 'symlink';
  ino = 0n;
  atim = 0n;
  mtim = 0n;
  ctim = 0n;
  nlink = 0;
  constructor(readonly target: string) {}
}

export type Node = FileNode | DirNode | SymlinkNode;

/** A regular file with the given bytes (strings are UTF-8 encoded). */
export function file(content: Uint8Array | string = new Uint8Array(0)): FileNode {
  return new FileNode(typeof content === 'string' ? encoder.encode(content) : content);
}

/** A directory holding `entries` (inserted in key order of the object). */
export function dir(entries: Record<string, Node> = {}): DirNode {
  const d = new DirNode();
  for (const [name, node] of Object.entries(entries)) d.put(name, node);
  return d;
}

/** A symbolic link; `target` is resolved when followed, relative to the link's directory. */
export function symlink(target: string): SymlinkNode {
  return new SymlinkNode(target);
}

export function filetypeOf(node: Node): number {
  switch (node.kind) {
    case 'file':
      return Filetype.REGULAR_FILE;
    case 'dir':
      return Filetype.DIRECTORY;
    case 'symlink':
      return Filetype.SYMBOLIC_LINK;
  }
}

/** Size reported by filestat: file length, symlink target length, 0 for directories. */
export function sizeOf(node: Node): number {
  switch (node.kind) {
    case 'file':
      return node.size;
    case 'symlink':
      return encoder.encode(node.target).length;
    case 'dir':
      return 0;
  }
}

/** Whether `name` can be a directory entry: not empty, no `/` or NUL, not `.` or `..`. */
export function isValidName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}
