/**
 * Calls that add, remove or move directory entries: link, symlink, readlink, unlink_file,
 * remove_directory, rename (POSIX rules, with the errnos of wasi-testsuite's unix mode).
 */
import { Lookupflags, Rights } from './constants.js';
import { dirFd, readPath, type SyscallTable, type WasiContext } from './context.js';
import { Errno, fail } from './errno.js';
import { existing, isWithin, resolve } from './path.js';

const encoder = new TextEncoder();

export function linkCalls(ctx: WasiContext): SyscallTable {
  const { mem, volume } = ctx;

  return {
    path_link(oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      const src = dirFd(ctx, oldFd, Rights.PATH_LINK_SOURCE);
      const dst = dirFd(ctx, newFd, Rights.PATH_LINK_TARGET);
      const from = resolve(src.node, readPath(ctx, oldPtr, oldLen), (oldFlags & Lookupflags.SYMLINK_FOLLOW) !== 0);
      const node = existing(from);
      if (node.kind === 'dir') fail(Errno.PERM); // no hard links to directories
      const to = resolve(dst.node, readPath(ctx, newPtr, newLen), false);
      if (to.node !== undefined) fail(Errno.EXIST);
      if (to.dirOnly) fail(Errno.NOENT);
      volume.link(to.parent, to.name!, node);
      return Errno.SUCCESS;
    },

    path_symlink(targetPtr: number, targetLen: number, fd: number, pathPtr: number, pathLen: number) {
      const parent = dirFd(ctx, fd, Rights.PATH_SYMLINK);
      const target = readPath(ctx, targetPtr, targetLen);
      if (target === '') fail(Errno.NOENT);
      if (target.includes('\0')) fail(Errno.INVAL);
      // An absolute target could only ever point outside the sandbox (cap-std refuses it too).
      if (target.startsWith('/')) fail(Errno.NOTCAPABLE);
      const r = resolve(parent.node, readPath(ctx, pathPtr, pathLen), false);
      if (r.node !== undefined) fail(r.dirOnly && r.node.kind !== 'dir' ? Errno.NOTDIR : Errno.EXIST);
      if (r.dirOnly) fail(Errno.NOENT);
      volume.link(r.parent, r.name!, volume.newSymlink(r.parent, target));
      return Errno.SUCCESS;
    },

    path_readlink(fd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, out: number) {
      const parent = dirFd(ctx, fd, Rights.PATH_READLINK);
      const node = existing(resolve(parent.node, readPath(ctx, pathPtr, pathLen), false));
      if (node.kind !== 'symlink') fail(Errno.INVAL);
      // Like readlink(2): as much of the target as fits, no terminator.
      const bytes = encoder.encode(node.target).subarray(0, bufLen >>> 0);
      mem.range(out, 4);
      ctx.chargeBytes(bytes.length);
      mem.write(buf, bytes);
      mem.setU32(out, bytes.length);
      return Errno.SUCCESS;
    },

    path_unlink_file(fd: number, pathPtr: number, pathLen: number) {
      const parent = dirFd(ctx, fd, Rights.PATH_UNLINK_FILE);
      const r = resolve(parent.node, readPath(ctx, pathPtr, pathLen), false);
      if (r.node === undefined) fail(Errno.NOENT);
      if (r.node.kind === 'dir') fail(Errno.ISDIR);
      if (r.dirOnly) fail(Errno.NOTDIR);
      volume.unlink(r.parent, r.name!);
      return Errno.SUCCESS;
    },

    path_remove_directory(fd: number, pathPtr: number, pathLen: number) {
      const parent = dirFd(ctx, fd, Rights.PATH_REMOVE_DIRECTORY);
      const r = resolve(parent.node, readPath(ctx, pathPtr, pathLen), false);
      if (r.node === undefined) fail(Errno.NOENT);
      if (r.node.kind !== 'dir') fail(Errno.NOTDIR);
      if (r.name === null) fail(Errno.INVAL); // `.`, `..`, or the descriptor's own directory
      if (r.node.entries.size > 0) fail(Errno.NOTEMPTY);
      volume.unlink(r.parent, r.name);
      return Errno.SUCCESS;
    },

    path_rename(oldFd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      const src = dirFd(ctx, oldFd, Rights.PATH_RENAME_SOURCE);
      const dst = dirFd(ctx, newFd, Rights.PATH_RENAME_TARGET);
      const from = resolve(src.node, readPath(ctx, oldPtr, oldLen), false);
      const node = existing(from);
      const to = resolve(dst.node, readPath(ctx, newPtr, newLen), false);
      if (from.name === null || to.name === null) fail(Errno.INVAL);
      if (to.dirOnly && node.kind !== 'dir') fail(Errno.NOTDIR);
      const target = to.node;
      if (target === node) return Errno.SUCCESS; // same entry or hard links to one file: nothing to do
      if (node.kind === 'dir') {
        if (target !== undefined && target.kind !== 'dir') fail(Errno.NOTDIR);
        if (target?.kind === 'dir' && target.entries.size > 0) fail(Errno.NOTEMPTY);
        if (isWithin(to.parent, node)) fail(Errno.INVAL); // into itself or a subdirectory
      } else if (target?.kind === 'dir') {
        fail(Errno.ISDIR);
      }
      volume.rename(from.parent, from.name, to.parent, to.name);
      return Errno.SUCCESS;
    },
  };
}
