/** The VFS's nodes. A file's bytes live in a growable buffer; `size` is its length. */

export class FileNode {
  readonly kind = 'file';
  data = new Uint8Array(0);
  size = 0;
  /** Open file descriptions referring to it: an unlinked file keeps its bytes (and quota) until the last closes. */
  opens = 0;
  linked = true;
  constructor(
    readonly ino: number,
    public mtimeNs: bigint,
  ) {}

  bytes(): Uint8Array {
    return this.data.subarray(0, this.size);
  }
}

export class DirNode {
  readonly kind = 'dir';
  readonly entries = new Map<string, Node>();
  /** The root is its own parent, so `..` can never leave it. */
  parent: DirNode;
  constructor(
    readonly ino: number,
    public mtimeNs: bigint,
    parent: DirNode | null,
  ) {
    this.parent = parent ?? this;
  }
}

export type Node = FileNode | DirNode;
