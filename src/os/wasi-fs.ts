/**
 * The kernel's VFS as a WASI mount (src/sandbox/wasi/mount.ts): what a WASI process preopens at
 * `/` (fd 3), so its files are the guest OS's — a file the shell wrote is there to read, and what
 * the module writes, creates, renames or removes is seen at once by every other process. Each
 * mount call is one of the process's system calls, made synchronously (`openSync`, `readSync`,
 * `writeSync`, `seek`, `fstat`, `ftruncate`, and the path calls), so it is charged to the OS's
 * budget like any other (FUEL.syscall, plus FUEL.byte per byte), is subject to the quota (ENOSPC)
 * and resolves inside the guest root (`..` at `/` stays at `/`). A WASI slice runs while the
 * process holds the turn, which the synchronous calls require.
 *
 * - Handles are the process's kernel descriptors (so EMFILE past 256, and an unlinked file keeps
 *   its bytes while open), and their offsets are the kernel's.
 * - Kernel errors become the WASI errno of the same name; Killed and Stopped pass through and end
 *   the run (HostStop), so the program unwinds as it does from a blocked read or write.
 * - `/dev/null` opens the kernel's null device (a character device, no inode).
 */
import { Errno, WasiErrno, type MountFs, type MountStat } from '../sandbox/wasi/index.js';
import { OsError, type Errno as OsErrno, type Proc, type Stat } from './types.js';

/** Every kernel errno as the WASI errno of the same name. */
const WASI_ERRNO: Record<OsErrno, number> = {
  ENOENT: Errno.NOENT,
  EEXIST: Errno.EXIST,
  ENOTDIR: Errno.NOTDIR,
  EISDIR: Errno.ISDIR,
  ENOTEMPTY: Errno.NOTEMPTY,
  EBADF: Errno.BADF,
  EPIPE: Errno.PIPE,
  ENOSPC: Errno.NOSPC,
  EINVAL: Errno.INVAL,
  EACCES: Errno.ACCES,
  ECHILD: Errno.CHILD,
  EAGAIN: Errno.AGAIN,
  ESRCH: Errno.SRCH,
  ENAMETOOLONG: Errno.NAMETOOLONG,
  ELOOP: Errno.LOOP,
  EMFILE: Errno.MFILE,
  EXDEV: Errno.XDEV,
  EPERM: Errno.PERM,
};

const EMPTY = new Uint8Array(0);

/** Runs a system call; an OsError becomes its WASI errno, anything else (Killed, Stopped) passes. */
function sys<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof OsError) throw new WasiErrno(WASI_ERRNO[e.code]);
    throw e;
  }
}

/** The kernel reports devices and pipes with inode 0 (they have none). */
function mountStat(s: Stat): MountStat {
  return { filetype: s.kind === 'dir' ? 'dir' : s.ino === 0 ? 'chardev' : 'file', size: s.size, ino: s.ino, mtimNs: s.mtimeNs };
}

/** The VFS of `p`'s kernel as a mount; paths are the kernel's absolute paths. */
export function kernelFs(p: Proc): MountFs {
  return {
    open: (path, f) => sys(() => p.openSync(path, { read: f.read, write: f.write, create: f.create, exclusive: f.exclusive, truncate: f.truncate })),
    close: (handle) => sys(() => p.close(handle)),
    read: (handle, max, position) => sys(() => p.readSync(handle, max, position) ?? EMPTY),
    write: (handle, bytes, position) => sys(() => p.writeSync(handle, bytes, position)),
    seek: (handle, offset, whence) => sys(() => p.seek(handle, offset, whence)),
    fstat: (handle) => mountStat(sys(() => p.fstat(handle))),
    truncate: (handle, size) => sys(() => p.ftruncate(handle, size)),
    stat: (path) => mountStat(sys(() => p.stat(path))),
    // Names in the kernel's (sorted) order, each stat'ed for its type and inode.
    readdir: (path) =>
      sys(() => {
        const dir = path.endsWith('/') ? path : `${path}/`;
        return p.readdir(path).map((name) => {
          const s = mountStat(p.stat(dir + name));
          return { name, filetype: s.filetype, ino: s.ino };
        });
      }),
    mkdir: (path) => sys(() => p.mkdir(path)),
    unlink: (path) => sys(() => p.unlink(path)),
    rmdir: (path) => sys(() => p.rmdir(path)),
    rename: (from, to) => sys(() => p.rename(from, to)),
  };
}
