/**
 * Filesystem trees as plain data, so a preopen can cross postMessage (worker threads, Web
 * Workers): structured clone keeps no class prototypes. Hard links survive: a FileNode that
 * appears twice is encoded once and referenced by index.
 */
import { DirNode, FileNode, SymlinkNode, type Node } from './fs.js';

export type EncodedNode = { d: [string, EncodedNode][] } | { f: number } | { l: string };
export interface EncodedTree {
  root: EncodedNode;
  files: Uint8Array[];
}

export function encodeTree(root: DirNode): EncodedTree {
  const files: Uint8Array[] = [];
  const ids = new Map<FileNode, number>();
  const walk = (node: Node): EncodedNode => {
    if (node.kind === 'dir') return { d: [...node.entries].map(([name, child]) => [name, walk(child)]) };
    if (node.kind === 'symlink') return { l: node.target };
    let id = ids.get(node);
    if (id === undefined) {
      id = files.push(node.content()) - 1;
      ids.set(node, id);
    }
    return { f: id };
  };
  return { root: walk(root), files };
}

export function decodeTree(tree: EncodedTree): DirNode {
  const nodes = tree.files.map((bytes) => new FileNode(bytes));
  const walk = (enc: EncodedNode): Node => {
    if ('d' in enc) {
      const d = new DirNode();
      for (const [name, child] of enc.d) d.put(name, walk(child));
      return d;
    }
    if ('l' in enc) return new SymlinkNode(enc.l);
    const node = nodes[enc.f];
    if (!node) throw new Error(`encoded tree refers to missing file ${enc.f}`);
    return node;
  };
  const root = walk(tree.root);
  if (!(root instanceof DirNode)) throw new Error('encoded tree root is not a directory');
  return root;
}
