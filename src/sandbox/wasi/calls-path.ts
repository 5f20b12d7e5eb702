/**
 * path_open and the path calls that look at or create a single node: create_directory,
 * filestat_get, filestat_set_times.
 */
import { DIR_RIGHTS, FILE_RIGHTS, Fdflags, Lookupflags, Oflags, Rights } from './constants.js';
import { checkFstflags, dirFd, readPath, requireRights, setTimes, writeFilestat, type SyscallTable, type WasiContext } from './context.js';
import { Errno, fail } from './errno.js';
import { existing, resolve } from './path.js';

const IO_RIGHTS = Rights.FD_READ | Rights.FD_WRITE;
/** Rights that only make sense on a descriptor opened for writing (ftruncate, fallocate). */
const WRITE_ONLY_RIGHTS = Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;
const RIGHTS_MASK = (1n << 30n) - 1n;

export function pathCalls(ctx: WasiContext): SyscallTable {
  const { mem, fds, volume } = ctx;

  return {
    path_open(fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number, rightsBase: bigint, _rightsInheriting: bigint, fdflags: number, out: number) {
      const parent = dirFd(ctx, fd, Rights.PATH_OPEN);
      const of = oflags >>> 0;
      const ff = fdflags >>> 0;
      if ((of & ~Oflags.ALL) !== 0 || (ff & ~Fdflags.ALL) !== 0) fail(Errno.INVAL);
      mem.range(out, 4);
      const path = readPath(ctx, pathPtr, pathLen);
      // Only the read/write bits of the request are honoured (as wasmtime, whose descriptors are
      // just readable and/or writable): the rest of a new descriptor's rights come from the
      // directory's inheriting rights, masked by file type, with resize/allocate only if writable.
      const io = Number(BigInt.asUintN(64, rightsBase) & RIGHTS_MASK) & IO_RIGHTS;
      if ((io & parent.rightsInheriting) !== io) fail(Errno.NOTCAPABLE);
      if (of & Oflags.CREAT) requireRights(parent, Rights.PATH_CREATE_FILE);
      // wasi-testsuite `truncation_rights` expects EPERM here rather than ENOTCAPABLE.
      if (of & Oflags.TRUNC && (parent.rightsBase & Rights.PATH_FILESTAT_SET_SIZE) === 0) fail(Errno.PERM);

      const r = resolve(parent.node, path, (dirflags & Lookupflags.SYMLINK_FOLLOW) !== 0);
      let node = r.node;
      if (node === undefined) {
        if (!(of & Oflags.CREAT)) fail(Errno.NOENT);
        if (r.dirOnly) fail(Errno.ISDIR);
        if (of & Oflags.DIRECTORY) fail(Errno.INVAL);
        const created = volume.newFile(r.parent);
        volume.link(r.parent, r.name!, created);
        node = created;
      } else {
        if (of & Oflags.CREAT && of & Oflags.EXCL) fail(Errno.EXIST);
        if (of & Oflags.CREAT && node.kind === 'dir') fail(Errno.ISDIR); // as open(2)
        if (node.kind === 'symlink') fail(Errno.LOOP); // final symlink without SYMLINK_FOLLOW: O_NOFOLLOW
        if ((r.dirOnly || of & Oflags.DIRECTORY) && node.kind !== 'dir') fail(Errno.NOTDIR);
      }

      if (node.kind === 'dir') {
        if (io & Rights.FD_WRITE || of & Oflags.TRUNC) fail(Errno.ISDIR);
        const base = parent.rightsInheriting & DIR_RIGHTS;
        mem.setU32(out, fds.insert({ kind: 'dir', node, preopen: null, rightsBase: base, rightsInheriting: parent.rightsInheriting, flags: ff }));
        return Errno.SUCCESS;
      }
      if (of & Oflags.TRUNC) volume.resize(node, 0);
      const writable = io & Rights.FD_WRITE ? WRITE_ONLY_RIGHTS : 0;
      const base = (parent.rightsInheriting & FILE_RIGHTS & ~(IO_RIGHTS | WRITE_ONLY_RIGHTS)) | (parent.rightsInheriting & writable) | io;
      mem.setU32(out, fds.insert({ kind: 'file', node, position: 0, rightsBase: base, rightsInheriting: base, flags: ff }));
      return Errno.SUCCESS;
    },

    path_create_directory(fd: number, pathPtr: number, pathLen: number) {
      const parent = dirFd(ctx, fd, Rights.PATH_CREATE_DIRECTORY);
      const r = resolve(parent.node, readPath(ctx, pathPtr, pathLen), false);
      if (r.node !== undefined) fail(Errno.EXIST);
      volume.link(r.parent, r.name!, volume.newDir(r.parent));
      return Errno.SUCCESS;
    },

    path_filestat_get(fd: number, flags: number, pathPtr: number, pathLen: number, out: number) {
      const parent = dirFd(ctx, fd, Rights.PATH_FILESTAT_GET);
      const r = resolve(parent.node, readPath(ctx, pathPtr, pathLen), (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
      writeFilestat(mem, out, existing(r));
      return Errno.SUCCESS;
    },

    path_filestat_set_times(fd: number, flags: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, fstflags: number) {
      checkFstflags(fstflags >>> 0);
      const parent = dirFd(ctx, fd, Rights.PATH_FILESTAT_SET_TIMES);
      const r = resolve(parent.node, readPath(ctx, pathPtr, pathLen), (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
      setTimes(ctx, existing(r), atim, mtim, fstflags >>> 0);
      return Errno.SUCCESS;
    },
  };
}
