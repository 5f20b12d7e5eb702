/**
 * Path resolution beneath a directory descriptor (openat2 RESOLVE_BENEATH semantics, as cap-std
 * and wasmtime): the walk starts at the descriptor's directory and may never leave it. Absolute
 * paths, absolute symlink targets and `..` above the start fail with ENOTCAPABLE.
 */
import { Errno, fail } from './errno.js';
import type { DirNode, Node } from './fs.js';

/** Symlinks followed in one resolution before ELOOP (Linux's MAXSYMLINKS). */
export const MAX_SYMLINK_HOPS = 40;
export const PATH_MAX = 4096;
export const NAME_MAX = 255;

const encoder = new TextEncoder();

export interface Resolved {
  /** The directory holding (or that would hold) the final component. */
  readonly parent: DirNode;
  /** The final component; null when the path names a directory through `.` or `..`. */
  readonly name: string | null;
  /** What the path names; undefined when the final component does not exist. */
  readonly node: Node | undefined;
  /** The path ended in `/` (or a followed symlink's target did): it must name a directory. */
  readonly dirOnly: boolean;
}

function byteLength(s: string): number {
  return s.length * 3 <= NAME_MAX ? s.length : encoder.encode(s).length;
}

/** Checks a guest path string before resolution. */
export function checkPath(path: string): void {
  if (path.includes('\0')) fail(Errno.INVAL);
  if (path === '') fail(Errno.NOENT);
  if (path.length > PATH_MAX && encoder.encode(path).length > PATH_MAX) fail(Errno.NAMETOOLONG);
  if (path.startsWith('/')) fail(Errno.NOTCAPABLE);
}

function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '');
}

/**
 * Resolves `path` from `base`. Intermediate symlinks are always followed; the final one only when
 * `followFinal` is set or the path ends in `/`. Missing intermediate directories fail with ENOENT,
 * non-directories in the middle with ENOTDIR.
 */
export function resolve(base: DirNode, path: string, followFinal: boolean): Resolved {
  checkPath(path);
  const stack: DirNode[] = [base];
  const pending = components(path).reverse();
  let dirOnly = path.endsWith('/');
  let hops = 0;

  for (;;) {
    const top = stack[stack.length - 1]!;
    const comp = pending.pop();
    if (comp === undefined) return { parent: top, name: null, node: top, dirOnly };
    const last = pending.length === 0;

    if (comp === '.') {
      if (last) return { parent: top, name: null, node: top, dirOnly };
      continue;
    }
    if (comp === '..') {
      if (stack.length === 1) fail(Errno.NOTCAPABLE);
      stack.pop();
      if (last) {
        const up = stack[stack.length - 1]!;
        return { parent: up, name: null, node: up, dirOnly };
      }
      continue;
    }
    if (byteLength(comp) > NAME_MAX) fail(Errno.NAMETOOLONG);

    const child = top.entries.get(comp);
    if (child?.kind === 'symlink' && (!last || followFinal || dirOnly)) {
      if (++hops > MAX_SYMLINK_HOPS) fail(Errno.LOOP);
      const target = child.target;
      if (target === '') fail(Errno.NOENT);
      if (target.startsWith('/')) fail(Errno.NOTCAPABLE);
      if (last && target.endsWith('/')) dirOnly = true;
      for (const c of components(target).reverse()) pending.push(c);
      continue;
    }
    if (last) return { parent: top, name: comp, node: child, dirOnly };
    if (child === undefined) fail(Errno.NOENT);
    if (child.kind !== 'dir') fail(Errno.NOTDIR);
    stack.push(child);
  }
}

/** The node `r` names, which must exist (ENOENT) and be a directory if the path demands it (ENOTDIR). */
export function existing(r: Resolved): Node {
  if (r.node === undefined) fail(Errno.NOENT);
  if (r.dirOnly && r.node.kind !== 'dir') fail(Errno.NOTDIR);
  return r.node;
}

/** Whether `dir` is `ancestor` or lies inside it. */
export function isWithin(dir: DirNode, ancestor: DirNode): boolean {
  for (let d: DirNode | null = dir; d !== null; d = d.parent) if (d === ancestor) return true;
  return false;
}
