/**
 * The path calls under a mounted filesystem's directory descriptors (./mount.ts): open, mkdir,
 * stat, unlink, rmdir, rename. Rights and path checks are those of the in-memory calls; the path
 * is then joined to the directory's and resolved by the mount. A mount has no links (path_link and
 * path_symlink: EPERM, as Linux on a filesystem without them; path_readlink: EINVAL), keeps its
 * own timestamps (setting them: ENOTSUP), and nothing moves between it and another preopen (EXDEV).
 */
import { FILE_RIGHTS, DIR_RIGHTS, Fdflags, Oflags, Rights } from './constants.js';
import { checkFstflags, readPath, requireRights, type SyscallTable, type WasiContext } from './context.js';
import { Errno, WasiErrno, fail } from './errno.js';
import { FILETYPE, mountDir, writeMountFilestat } from './calls-mount.js';
import type { FdEntry, MountDirFd } from './fds.js';
import { mountPath, normalizeMountPath } from './mount.js';

const IO_RIGHTS = Rights.FD_READ | Rights.FD_WRITE;
const WRITE_ONLY_RIGHTS = Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;
const RIGHTS_MASK = (1n << 30n) - 1n;

export function mountPathCalls(ctx: WasiContext): SyscallTable {
  const { mem, fds } = ctx;

  /**
   * Both descriptors as directories of one mount: two directories elsewhere are EXDEV; a
   * descriptor that is no directory is ENOTDIR (a file) or EBADF, as for in-memory directories.
   */
  function sameMount(a: number, aRights: number, b: number, bRights: number): [MountDirFd, MountDirFd] {
    const ea = fds.get(a);
    const eb = fds.get(b);
    const isDir = (e: FdEntry): boolean => e.kind === 'dir' || e.kind === 'mount-dir';
    const isFile = (e: FdEntry): boolean => e.kind === 'file' || e.kind === 'mount-file';
    if (!isDir(ea) || !isDir(eb)) fail(isFile(ea) || isFile(eb) ? Errno.NOTDIR : Errno.BADF);
    if (ea.kind !== 'mount-dir' || eb.kind !== 'mount-dir' || ea.mount !== eb.mount) fail(Errno.XDEV);
    return [mountDir(ctx, a, aRights), mountDir(ctx, b, bRights)];
  }

  return {
    path_open(fd: number, _dirflags: number, pathPtr: number, pathLen: number, oflags: number, rightsBase: bigint, _rightsInheriting: bigint, fdflags: number, out: number) {
      const parent = mountDir(ctx, fd, Rights.PATH_OPEN);
      const of = oflags >>> 0;
      const ff = fdflags >>> 0;
      if ((of & ~Oflags.ALL) !== 0 || (ff & ~Fdflags.ALL) !== 0) fail(Errno.INVAL);
      mem.range(out, 4);
      const path = mountPath(parent.path, readPath(ctx, pathPtr, pathLen));
      // Rights as in memory (./calls-path.ts): the read/write bits of the request, the rest inherited.
      const io = Number(BigInt.asUintN(64, rightsBase) & RIGHTS_MASK) & IO_RIGHTS;
      if ((io & parent.rightsInheriting) !== io) fail(Errno.NOTCAPABLE);
      if (of & Oflags.CREAT) requireRights(parent, Rights.PATH_CREATE_FILE);
      if (of & Oflags.TRUNC && (parent.rightsBase & Rights.PATH_FILESTAT_SET_SIZE) === 0) fail(Errno.PERM);
      if (of & Oflags.CREAT && of & Oflags.DIRECTORY) fail(Errno.INVAL);

      const write = (io & Rights.FD_WRITE) !== 0;
      const mount = parent.mount;
      const handle = mount.open(path, { read: (io & Rights.FD_READ) !== 0, write, create: (of & Oflags.CREAT) !== 0, exclusive: (of & Oflags.EXCL) !== 0, truncate: (of & Oflags.TRUNC) !== 0 });
      try {
        const st = mount.fstat(handle);
        if (st.filetype === 'dir') {
          if (write || of & Oflags.TRUNC) fail(Errno.ISDIR);
          const base = parent.rightsInheriting & DIR_RIGHTS;
          const n = fds.insert({ kind: 'mount-dir', mount, path: normalizeMountPath(path), handle, preopen: null, listing: null, rightsBase: base, rightsInheriting: parent.rightsInheriting, flags: ff });
          mem.setU32(out, n);
          return Errno.SUCCESS;
        }
        if (of & Oflags.DIRECTORY || path.endsWith('/')) fail(Errno.NOTDIR);
        const writable = write ? WRITE_ONLY_RIGHTS : 0;
        const base = (parent.rightsInheriting & FILE_RIGHTS & ~(IO_RIGHTS | WRITE_ONLY_RIGHTS)) | (parent.rightsInheriting & writable) | io;
        mem.setU32(out, fds.insert({ kind: 'mount-file', mount, handle, filetype: FILETYPE[st.filetype], rightsBase: base, rightsInheriting: base, flags: ff }));
        return Errno.SUCCESS;
      } catch (e) {
        if (e instanceof WasiErrno) mount.close(handle); // not installed: give the handle back
        throw e;
      }
    },

    path_create_directory(fd: number, pathPtr: number, pathLen: number) {
      const parent = mountDir(ctx, fd, Rights.PATH_CREATE_DIRECTORY);
      parent.mount.mkdir(mountPath(parent.path, readPath(ctx, pathPtr, pathLen)));
      return Errno.SUCCESS;
    },

    path_filestat_get(fd: number, _flags: number, pathPtr: number, pathLen: number, out: number) {
      const parent = mountDir(ctx, fd, Rights.PATH_FILESTAT_GET);
      const path = mountPath(parent.path, readPath(ctx, pathPtr, pathLen));
      mem.range(out, 64);
      writeMountFilestat(mem, out, parent.mount.dev, parent.mount.stat(path));
      return Errno.SUCCESS;
    },

    path_filestat_set_times(fd: number, _flags: number, pathPtr: number, pathLen: number, _atim: bigint, _mtim: bigint, fstflags: number) {
      checkFstflags(fstflags >>> 0);
      const parent = mountDir(ctx, fd, Rights.PATH_FILESTAT_SET_TIMES);
      parent.mount.stat(mountPath(parent.path, readPath(ctx, pathPtr, pathLen))); // ENOENT first
      return fstflags >>> 0 === 0 ? Errno.SUCCESS : Errno.NOTSUP;
    },

    path_link(oldFd: number, _oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      const [src, dst] = sameMount(oldFd, Rights.PATH_LINK_SOURCE, newFd, Rights.PATH_LINK_TARGET);
      src.mount.stat(mountPath(src.path, readPath(ctx, oldPtr, oldLen)));
      mountPath(dst.path, readPath(ctx, newPtr, newLen));
      return fail(Errno.PERM);
    },

    path_symlink(targetPtr: number, targetLen: number, fd: number, pathPtr: number, pathLen: number) {
      const parent = mountDir(ctx, fd, Rights.PATH_SYMLINK);
      readPath(ctx, targetPtr, targetLen);
      mountPath(parent.path, readPath(ctx, pathPtr, pathLen));
      return fail(Errno.PERM);
    },

    path_readlink(fd: number, pathPtr: number, pathLen: number, _buf: number, _bufLen: number, _out: number) {
      const parent = mountDir(ctx, fd, Rights.PATH_READLINK);
      parent.mount.stat(mountPath(parent.path, readPath(ctx, pathPtr, pathLen))); // ENOENT first
      return fail(Errno.INVAL); // it exists and is not a symlink
    },

    path_unlink_file(fd: number, pathPtr: number, pathLen: number) {
      const parent = mountDir(ctx, fd, Rights.PATH_UNLINK_FILE);
      parent.mount.unlink(mountPath(parent.path, readPath(ctx, pathPtr, pathLen)));
      return Errno.SUCCESS;
    },

    path_remove_directory(fd: number, pathPtr: number, pathLen: number) {
      const parent = mountDir(ctx, fd, Rights.PATH_REMOVE_DIRECTORY);
      parent.mount.rmdir(mountPath(parent.path, readPath(ctx, pathPtr, pathLen)));
      return Errno.SUCCESS;
    },

    path_rename(oldFd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      const [src, dst] = sameMount(oldFd, Rights.PATH_RENAME_SOURCE, newFd, Rights.PATH_RENAME_TARGET);
      const from = mountPath(src.path, readPath(ctx, oldPtr, oldLen));
      src.mount.rename(from, mountPath(dst.path, readPath(ctx, newPtr, newLen)));
      return Errno.SUCCESS;
    },
  };
}
