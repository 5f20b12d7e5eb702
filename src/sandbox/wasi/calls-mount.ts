/**
 * The descriptor calls on a mounted filesystem's descriptors (./mount.ts): reading, writing,
 * seeking, stat, flags, size, readdir and the preopen queries. They keep the checks and the fuel
 * of the in-memory calls (rights first, EFAULT before anything moves, ceil(bytes / 8) for bytes
 * crossing into or out of the guest) and leave the bytes, offsets and metadata to the mount.
 * Not supported by a mount: changing timestamps (ENOTSUP).
 */
import { Fdflags, Filetype, Rights, Whence } from './constants.js';
import { checkFstflags, requireRights, toSafeNumber, type SyscallTable, type WasiContext } from './context.js';
import { Errno, fail } from './errno.js';
import type { MountDirFd, MountFileFd } from './fds.js';
import type { GuestMemory } from './memory.js';
import { writeDirents, writeFdstat, type Dirent } from './records.js';
import { parentMountPath, type MountDirent, type MountFiletype, type MountStat, type MountWhence } from './mount.js';

const encoder = new TextEncoder();
const ADVICE_MAX = 5;
const WHENCE: Record<number, MountWhence> = { [Whence.SET]: 'set', [Whence.CUR]: 'cur', [Whence.END]: 'end' };

export const FILETYPE: Record<MountFiletype, number> = { file: Filetype.REGULAR_FILE, dir: Filetype.DIRECTORY, chardev: Filetype.CHARACTER_DEVICE };

/** The mount file descriptor `fd` with `rights`; a directory gets `dirErrno` (EBADF, as in memory). */
export function mountFile(ctx: WasiContext, fd: number, rights: number, dirErrno: number = Errno.BADF): MountFileFd {
  const entry = ctx.fds.get(fd);
  if (entry.kind !== 'mount-file') fail(entry.kind === 'mount-dir' ? dirErrno : Errno.BADF);
  requireRights(entry, rights);
  return entry;
}

/** The mount directory descriptor `fd` with `rights` (ENOTDIR for a mount file). */
export function mountDir(ctx: WasiContext, fd: number, rights: number): MountDirFd {
  const entry = ctx.fds.get(fd);
  if (entry.kind !== 'mount-dir') fail(entry.kind === 'mount-file' ? Errno.NOTDIR : Errno.BADF);
  requireRights(entry, rights);
  return entry;
}

/** Writes a preview1 `filestat` (64 bytes) for a mount node. */
export function writeMountFilestat(mem: GuestMemory, ptr: number, dev: bigint, st: MountStat): void {
  mem.range(ptr, 64);
  mem.setU64(ptr, dev);
  mem.setU64(ptr + 8, BigInt(st.ino));
  mem.setU8(ptr + 16, FILETYPE[st.filetype]);
  mem.setU64(ptr + 24, st.filetype === 'dir' ? 2 : 1); // a mount has no hard links
  mem.setU64(ptr + 32, st.filetype === 'file' ? st.size : 0);
  mem.setU64(ptr + 40, st.mtimNs);
  mem.setU64(ptr + 48, st.mtimNs);
  mem.setU64(ptr + 56, st.mtimNs);
}

/** Reading or writing without FD_READ / FD_WRITE is EBADF, as for in-memory files. */
function requireIo(entry: MountFileFd, right: number): void {
  if ((entry.rightsBase & right) === 0) fail(Errno.BADF);
}

export function mountFdCalls(ctx: WasiContext): SyscallTable {
  const { mem } = ctx;

  function read(fd: number, iovs: number, count: number, out: number, position?: bigint): number {
    const entry = mountFile(ctx, fd, 0);
    requireIo(entry, Rights.FD_READ);
    const { list, total } = mem.buffers(iovs, count, out);
    const at = position === undefined ? undefined : toSafeNumber(position);
    const data = total === 0 ? new Uint8Array(0) : entry.mount.read(entry.handle, total, at);
    ctx.chargeBytes(data.length);
    mem.setU32(out, mem.scatter(list, data));
    return Errno.SUCCESS;
  }

  function write(fd: number, iovs: number, count: number, out: number, position?: bigint): number {
    const entry = mountFile(ctx, fd, 0);
    requireIo(entry, Rights.FD_WRITE);
    const { list, total } = mem.buffers(iovs, count, out);
    if (total > 0) {
      const append = (entry.flags & Fdflags.APPEND) !== 0;
      let at: number | undefined;
      // Append mode: at the end; pwrite too (Linux, as the in-memory calls and wasmtime).
      if (append && position !== undefined) at = entry.mount.fstat(entry.handle).size;
      else if (append) entry.mount.seek(entry.handle, 0, 'end');
      else if (position !== undefined) at = toSafeNumber(position, Errno.FBIG);
      const data = mem.gather(list, total);
      ctx.chargeBytes(total);
      entry.mount.write(entry.handle, data, at);
    }
    mem.setU32(out, total);
    return Errno.SUCCESS;
  }

  /** The listing fd_readdir reports: `.`, `..`, then the mount's entries (listed anew at cookie 0). */
  function listing(entry: MountDirFd, cookie: bigint): readonly MountDirent[] {
    if (entry.listing === null || cookie === 0n) {
      const self = entry.mount.stat(entry.path);
      const up = entry.path === '/' ? self : entry.mount.stat(parentMountPath(entry.path));
      entry.listing = [{ name: '.', filetype: 'dir', ino: self.ino }, { name: '..', filetype: 'dir', ino: up.ino }, ...entry.mount.readdir(entry.path)];
    }
    return entry.listing;
  }

  return {
    fd_read: (fd: number, iovs: number, count: number, out: number) => read(fd, iovs, count, out),
    fd_pread: (fd: number, iovs: number, count: number, offset: bigint, out: number) => read(fd, iovs, count, out, offset),
    fd_write: (fd: number, iovs: number, count: number, out: number) => write(fd, iovs, count, out),
    fd_pwrite: (fd: number, iovs: number, count: number, offset: bigint, out: number) => write(fd, iovs, count, out, offset),

    fd_seek(fd: number, offset: bigint, whence: number, out: number) {
      const tellOnly = offset === 0n && whence === Whence.CUR;
      const entry = mountFile(ctx, fd, tellOnly ? Rights.FD_TELL : Rights.FD_SEEK);
      const w = WHENCE[whence >>> 0];
      if (w === undefined) fail(Errno.INVAL);
      const delta = BigInt.asIntN(64, offset);
      if (delta > BigInt(Number.MAX_SAFE_INTEGER) || delta < -BigInt(Number.MAX_SAFE_INTEGER)) fail(Errno.INVAL);
      mem.range(out, 8);
      mem.setU64(out, entry.mount.seek(entry.handle, Number(delta), w));
      return Errno.SUCCESS;
    },

    fd_tell(fd: number, out: number) {
      const entry = mountFile(ctx, fd, Rights.FD_TELL);
      mem.range(out, 8);
      mem.setU64(out, entry.mount.seek(entry.handle, 0, 'cur'));
      return Errno.SUCCESS;
    },

    fd_fdstat_get(fd: number, out: number) {
      const entry = ctx.fds.get(fd) as MountDirFd | MountFileFd;
      writeFdstat(mem, out, entry.kind === 'mount-dir' ? Filetype.DIRECTORY : entry.filetype, entry);
      return Errno.SUCCESS;
    },

    fd_fdstat_set_flags(fd: number, flags: number) {
      const entry = mountFile(ctx, fd, Rights.FD_FDSTAT_SET_FLAGS);
      const f = flags >>> 0;
      if ((f & ~Fdflags.ALL) !== 0) fail(Errno.INVAL);
      entry.flags = f;
      return Errno.SUCCESS;
    },

    fd_filestat_get(fd: number, out: number) {
      const entry = ctx.fds.get(fd) as MountDirFd | MountFileFd;
      requireRights(entry, Rights.FD_FILESTAT_GET);
      mem.range(out, 64);
      const st = entry.handle === null ? entry.mount.stat((entry as MountDirFd).path) : entry.mount.fstat(entry.handle);
      writeMountFilestat(mem, out, entry.mount.dev, st);
      return Errno.SUCCESS;
    },

    fd_filestat_set_size(fd: number, size: bigint) {
      const entry = mountFile(ctx, fd, Rights.FD_FILESTAT_SET_SIZE);
      entry.mount.truncate(entry.handle, toSafeNumber(size, Errno.FBIG));
      return Errno.SUCCESS;
    },

    fd_filestat_set_times(fd: number, _atim: bigint, _mtim: bigint, flags: number) {
      checkFstflags(flags >>> 0);
      requireRights(ctx.fds.get(fd), Rights.FD_FILESTAT_SET_TIMES);
      return flags >>> 0 === 0 ? Errno.SUCCESS : Errno.NOTSUP; // the mount keeps its own times
    },

    fd_advise(fd: number, _offset: bigint, _len: bigint, advice: number) {
      mountFile(ctx, fd, Rights.FD_ADVISE);
      if (advice >>> 0 > ADVICE_MAX) fail(Errno.INVAL);
      return Errno.SUCCESS;
    },

    fd_allocate(fd: number, offset: bigint, len: bigint) {
      const entry = mountFile(ctx, fd, Rights.FD_ALLOCATE);
      const end = BigInt.asUintN(64, offset) + BigInt.asUintN(64, len);
      if (end > BigInt(Number.MAX_SAFE_INTEGER)) fail(Errno.FBIG);
      if (Number(end) > entry.mount.fstat(entry.handle).size) entry.mount.truncate(entry.handle, Number(end));
      return Errno.SUCCESS;
    },

    fd_datasync(fd: number) {
      mountFile(ctx, fd, Rights.FD_DATASYNC);
      return Errno.SUCCESS;
    },

    fd_sync(fd: number) {
      mountFile(ctx, fd, Rights.FD_SYNC);
      return Errno.SUCCESS;
    },

    fd_prestat_get(fd: number, out: number) {
      const entry = ctx.fds.get(fd);
      if (entry.kind !== 'mount-dir' || entry.preopen === null) fail(Errno.BADF);
      mem.range(out, 8);
      mem.setU32(out, 0); // tag 0: preopentype dir (and padding)
      mem.setU32(out + 4, encoder.encode(entry.preopen).length);
      return Errno.SUCCESS;
    },

    fd_prestat_dir_name(fd: number, buf: number, len: number) {
      const entry = ctx.fds.get(fd);
      if (entry.kind !== 'mount-dir' || entry.preopen === null) fail(Errno.NOTDIR);
      const name = encoder.encode(entry.preopen);
      if (name.length > len >>> 0) fail(Errno.NAMETOOLONG);
      ctx.chargeBytes(name.length);
      mem.write(buf, name);
      return Errno.SUCCESS;
    },

    fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, out: number) {
      const entry = mountDir(ctx, fd, Rights.FD_READDIR);
      const len = bufLen >>> 0;
      mem.range(buf, len);
      mem.range(out, 4);
      const list = listing(entry, BigInt.asUintN(64, cookie));
      // Cookie n names the n-th entry of the listing (0 is `.`, 1 is `..`), as in memory.
      function* entries(): Generator<Dirent> {
        for (let i = BigInt.asUintN(64, cookie); i < BigInt(list.length); i++) {
          const e = list[Number(i)]!;
          yield { next: i + 1n, ino: BigInt(e.ino), name: e.name, filetype: FILETYPE[e.filetype] };
        }
      }
      writeDirents(ctx, mem, entries(), buf, len, out);
      return Errno.SUCCESS;
    },
  };
}
