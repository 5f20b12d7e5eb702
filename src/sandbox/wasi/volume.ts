/**
 * The guest's filesystem state: private copies of the preopened trees, inode numbers, timestamps
 * and the disk quota. Every change to file content or to directory entries goes through here, so
 * the quota and link counts cannot drift.
 */
import { Errno, fail } from './errno.js';
import { DirNode, FileNode, SymlinkNode, isValidName, sizeOf, type Node } from './fs.js';

/** Default room for guest writes beyond the preloaded content. */
export const DEFAULT_FS_QUOTA_BYTES = 64 * 1024 * 1024;
/** New inodes a guest may create beyond the preloaded ones (bounds host memory for empty files). */
export const MAX_NEW_NODES = 100_000;
/** Largest single file (JS typed arrays stay well within this). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

export class Volume {
  /** The private copies of the preopened trees, in preopen order. */
  readonly roots: DirNode[];
  private nextIno = 1n;
  private usedBytes = 0;
  private readonly limitBytes: number;
  private nodeCount = 0;
  private readonly maxNodes: number;

  /**
   * @param startNs timestamp of the preloaded nodes (the clock at fuel 0; the host's fuel counter
   *   is not read while copying, since it may not exist before instantiation)
   */
  constructor(
    sources: readonly DirNode[],
    quotaBytes: number,
    private readonly clock: () => bigint,
    private readonly startNs: bigint,
  ) {
    const copies = new Map<Node, Node>();
    this.roots = sources.map((src) => {
      const seen = copies.get(src);
      return seen instanceof DirNode ? seen : this.copyDir(src, copies, new Set());
    });
    this.limitBytes = this.usedBytes + quotaBytes;
    this.maxNodes = this.nodeCount + MAX_NEW_NODES;
  }

  /** Current time for timestamps (the guest's REALTIME clock). */
  now(): bigint {
    return this.clock();
  }

  // ---- copying the initial trees -------------------------------------------------------------

  private stamp<T extends Node>(node: T, time: bigint = this.now()): T {
    node.ino = this.nextIno++;
    node.atim = node.mtim = node.ctim = time;
    this.nodeCount++;
    return node;
  }

  private copyDir(src: DirNode, copies: Map<Node, Node>, onPath: Set<DirNode>): DirNode {
    if (copies.has(src) || onPath.has(src)) throw new Error('a directory appears twice in a preopened tree');
    const out = this.stamp(new DirNode(), this.startNs);
    copies.set(src, out);
    onPath.add(src);
    for (const [name, child] of src.entries) {
      if (!isValidName(name)) throw new Error(`invalid file name in a preopened tree: ${JSON.stringify(name)}`);
      let copy = copies.get(child);
      if (copy === undefined) {
        if (child.kind === 'dir') {
          copy = this.copyDir(child, copies, onPath);
          copy.parent = out;
        } else if (child.kind === 'file') {
          const f = this.stamp(new FileNode(child.content()), this.startNs);
          f.shared = true;
          this.usedBytes += f.size;
          copy = f;
        } else {
          copy = this.stamp(new SymlinkNode(child.target), this.startNs);
          this.usedBytes += sizeOf(copy);
        }
        copies.set(child, copy);
      } else if (copy.kind === 'dir') {
        throw new Error('a directory appears twice in a preopened tree');
      }
      if (copy.kind !== 'dir') copy.nlink++;
      out.put(name, copy);
    }
    onPath.delete(src);
    return out;
  }

  // ---- creating and linking ------------------------------------------------------------------

  /** Checks that a node can be created in `parent` (before anything is reserved for it). */
  private allocNode(parent: DirNode): void {
    if (parent.removed) fail(Errno.NOENT);
    if (this.nodeCount >= this.maxNodes) fail(Errno.NOSPC);
  }

  /** A new empty file, to be linked into `parent` next. */
  newFile(parent: DirNode): FileNode {
    this.allocNode(parent);
    return this.stamp(new FileNode());
  }

  /** A new empty directory, to be linked into `parent` next. */
  newDir(parent: DirNode): DirNode {
    this.allocNode(parent);
    const d = this.stamp(new DirNode());
    d.parent = parent;
    return d;
  }

  /** A new symlink, to be linked into `parent` next; its target counts against the quota. */
  newSymlink(parent: DirNode, target: string): SymlinkNode {
    this.allocNode(parent);
    const link = new SymlinkNode(target);
    this.reserve(sizeOf(link));
    return this.stamp(link);
  }

  /** Adds entry `name` → `node` to `dir` (the caller checked that `name` is free). */
  link(dir: DirNode, name: string, node: Node): void {
    if (dir.removed) fail(Errno.NOENT);
    dir.put(name, node);
    if (node.kind === 'dir') node.parent = dir;
    else node.nlink++;
    const t = this.now();
    dir.mtim = dir.ctim = t;
    node.ctim = t;
  }

  /** Removes entry `name` from `dir`; the node's storage is freed once nothing refers to it. */
  unlink(dir: DirNode, name: string): void {
    const node = dir.entries.get(name);
    if (node === undefined) return;
    dir.remove(name);
    const t = this.now();
    dir.mtim = dir.ctim = t;
    node.ctim = t;
    if (node.kind === 'dir') {
      node.parent = null;
      node.removed = true;
      this.nodeCount--;
    } else {
      node.nlink--;
      this.releaseIfUnused(node);
    }
  }

  /** Moves entry `fromName` to `toDir/toName`, replacing what is there (the caller checked the rules). */
  rename(fromDir: DirNode, fromName: string, toDir: DirNode, toName: string): void {
    const node = fromDir.entries.get(fromName);
    if (node === undefined) fail(Errno.NOENT);
    if (toDir.removed) fail(Errno.NOENT);
    if (toDir.entries.has(toName)) this.unlink(toDir, toName);
    fromDir.remove(fromName);
    toDir.put(toName, node);
    if (node.kind === 'dir') node.parent = toDir;
    const t = this.now();
    fromDir.mtim = fromDir.ctim = toDir.mtim = toDir.ctim = node.ctim = t;
  }

  /** A descriptor opened `node`. */
  retain(node: FileNode): void {
    node.openCount++;
  }

  /** A descriptor on `node` closed. */
  release(node: FileNode): void {
    node.openCount--;
    this.releaseIfUnused(node);
  }

  private releaseIfUnused(node: FileNode | SymlinkNode): void {
    if (node.nlink > 0) return;
    if (node.kind === 'file') {
      if (node.openCount > 0) return;
      this.usedBytes -= node.size;
      node.data = new Uint8Array(0);
      node.size = 0;
    } else {
      this.usedBytes -= sizeOf(node);
    }
    this.nodeCount--;
  }

  // ---- file content --------------------------------------------------------------------------

  private reserve(bytes: number): void {
    if (bytes > 0 && this.usedBytes + bytes > this.limitBytes) fail(Errno.NOSPC);
    this.usedBytes += bytes;
  }

  /** Bytes still free under the quota. */
  freeBytes(): number {
    return Math.max(0, this.limitBytes - this.usedBytes);
  }

  /** Sets the length of `node`, zero-filling growth; fails with EFBIG/ENOSPC past the limits. */
  resize(node: FileNode, size: number): void {
    if (!(size >= 0 && size <= MAX_FILE_BYTES)) fail(Errno.FBIG);
    if (size === node.size) return;
    this.reserve(size - node.size);
    if (node.shared || size > node.data.length) {
      const capacity = size > node.data.length ? Math.max(size, Math.min(node.data.length * 2, size + (16 << 20))) : node.data.length;
      const data = new Uint8Array(capacity);
      data.set(node.data.subarray(0, Math.min(node.size, size)));
      node.data = data;
      node.shared = false;
    } else if (size < node.size) {
      node.data.fill(0, size, node.size); // later growth must read back zeros
    }
    node.size = size;
    node.mtim = node.ctim = this.now();
  }

  /** Writes `bytes` at `pos`, growing the file as needed. */
  write(node: FileNode, pos: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const end = pos + bytes.length;
    if (end > node.size) this.resize(node, end);
    else if (node.shared) this.unshare(node);
    node.data.set(bytes, pos);
    node.mtim = node.ctim = this.now();
  }

  private unshare(node: FileNode): void {
    node.data = node.data.slice(0, node.size);
    node.shared = false;
  }

  /** Up to `len` bytes of `node` from `pos` (a view, valid until the next change). */
  read(node: FileNode, pos: number, len: number): Uint8Array {
    if (pos >= node.size) return new Uint8Array(0);
    node.atim = this.now();
    return node.data.subarray(pos, Math.min(node.size, pos + len));
  }
}
