/**
 * Calls on a descriptor itself: close, renumber, fdstat/filestat, flags, rights, seek/tell,
 * size/allocation, sync/advise, and the preopen queries.
 */
import { Fdflags, Filetype, Rights, Whence } from './constants.js';
import { writeFdstat } from './records.js';
import { checkFstflags, fileFd, requireRights, setTimes, toSafeNumber, writeFilestat, writeStdioFilestat, type SyscallTable, type WasiContext } from './context.js';
import { Errno, fail } from './errno.js';
import { filetypeOf } from './fs.js';

const encoder = new TextEncoder();
const ADVICE_MAX = 5; // normal, sequential, random, willneed, dontneed, noreuse

export function fdCalls(ctx: WasiContext): SyscallTable {
  const { mem, fds, volume } = ctx;

  return {
    fd_close(fd: number) {
      fds.close(fd);
      return Errno.SUCCESS;
    },

    fd_renumber(from: number, to: number) {
      fds.renumber(from, to);
      return Errno.SUCCESS;
    },

    fd_fdstat_get(fd: number, out: number) {
      const entry = fds.get(fd);
      const type = entry.kind === 'file' || entry.kind === 'dir' ? filetypeOf(entry.node) : Filetype.CHARACTER_DEVICE;
      writeFdstat(mem, out, type, entry);
      return Errno.SUCCESS;
    },

    fd_fdstat_set_flags(fd: number, flags: number) {
      const entry = fileFd(ctx, fd, Rights.FD_FDSTAT_SET_FLAGS);
      const f = flags >>> 0;
      if ((f & ~Fdflags.ALL) !== 0) fail(Errno.INVAL);
      entry.flags = f;
      return Errno.SUCCESS;
    },

    fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint) {
      const entry = fds.get(fd);
      const b = BigInt.asUintN(64, base);
      const i = BigInt.asUintN(64, inheriting);
      // Rights can only be dropped, never regained.
      if ((b & ~BigInt(entry.rightsBase)) !== 0n || (i & ~BigInt(entry.rightsInheriting)) !== 0n) fail(Errno.NOTCAPABLE);
      entry.rightsBase = Number(b);
      entry.rightsInheriting = Number(i);
      return Errno.SUCCESS;
    },

    fd_filestat_get(fd: number, out: number) {
      const entry = fds.get(fd);
      requireRights(entry, Rights.FD_FILESTAT_GET);
      if (entry.kind === 'file' || entry.kind === 'dir') writeFilestat(mem, out, entry.node);
      else writeStdioFilestat(mem, out);
      return Errno.SUCCESS;
    },

    fd_filestat_set_size(fd: number, size: bigint) {
      const entry = fileFd(ctx, fd, Rights.FD_FILESTAT_SET_SIZE);
      volume.resize(entry.node, toSafeNumber(size, Errno.FBIG));
      return Errno.SUCCESS;
    },

    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, flags: number) {
      checkFstflags(flags >>> 0);
      const entry = fds.get(fd);
      if (entry.kind !== 'file' && entry.kind !== 'dir') fail(Errno.BADF);
      requireRights(entry, Rights.FD_FILESTAT_SET_TIMES);
      setTimes(ctx, entry.node, atim, mtim, flags >>> 0);
      return Errno.SUCCESS;
    },

    fd_seek(fd: number, offset: bigint, whence: number, out: number) {
      const tellOnly = offset === 0n && whence === Whence.CUR;
      const entry = fileFd(ctx, fd, tellOnly ? Rights.FD_TELL : Rights.FD_SEEK, Errno.SPIPE);
      let base: bigint;
      switch (whence >>> 0) {
        case Whence.SET:
          base = 0n;
          break;
        case Whence.CUR:
          base = BigInt(entry.position);
          break;
        case Whence.END:
          base = BigInt(entry.node.size);
          break;
        default:
          return fail(Errno.INVAL);
      }
      const next = base + BigInt.asIntN(64, offset);
      if (next < 0n || next > BigInt(Number.MAX_SAFE_INTEGER)) fail(Errno.INVAL);
      mem.range(out, 8);
      entry.position = Number(next);
      mem.setU64(out, next);
      return Errno.SUCCESS;
    },

    fd_tell(fd: number, out: number) {
      const entry = fileFd(ctx, fd, Rights.FD_TELL, Errno.SPIPE);
      mem.setU64(out, entry.position);
      return Errno.SUCCESS;
    },

    fd_advise(fd: number, _offset: bigint, _len: bigint, advice: number) {
      fileFd(ctx, fd, Rights.FD_ADVISE);
      if (advice >>> 0 > ADVICE_MAX) fail(Errno.INVAL);
      return Errno.SUCCESS;
    },

    fd_allocate(fd: number, offset: bigint, len: bigint) {
      const entry = fileFd(ctx, fd, Rights.FD_ALLOCATE);
      const end = BigInt.asUintN(64, offset) + BigInt.asUintN(64, len);
      if (end > BigInt(Number.MAX_SAFE_INTEGER)) fail(Errno.FBIG);
      if (Number(end) > entry.node.size) volume.resize(entry.node, Number(end));
      return Errno.SUCCESS;
    },

    fd_datasync(fd: number) {
      fileFd(ctx, fd, Rights.FD_DATASYNC);
      return Errno.SUCCESS;
    },

    fd_sync(fd: number) {
      fileFd(ctx, fd, Rights.FD_SYNC);
      return Errno.SUCCESS;
    },

    fd_prestat_get(fd: number, out: number) {
      const entry = fds.get(fd);
      if (entry.kind !== 'dir' || entry.preopen === null) fail(Errno.BADF);
      mem.range(out, 8);
      mem.setU32(out, 0); // tag 0: preopentype dir (and padding)
      mem.setU32(out + 4, encoder.encode(entry.preopen).length);
      return Errno.SUCCESS;
    },

    fd_prestat_dir_name(fd: number, buf: number, len: number) {
      const entry = fds.get(fd);
      if (entry.kind !== 'dir' || entry.preopen === null) fail(Errno.NOTDIR);
      const name = encoder.encode(entry.preopen);
      if (name.length > len >>> 0) fail(Errno.NAMETOOLONG);
      ctx.chargeBytes(name.length);
      mem.write(buf, name);
      return Errno.SUCCESS;
    },
  };
}
