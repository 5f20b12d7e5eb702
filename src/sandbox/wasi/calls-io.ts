/**
 * Moving bytes: fd_read/fd_write (stdio and files), fd_pread/fd_pwrite, fd_readdir. Each charges
 * ceil(bytes / 8) fuel for what it moves, before moving it. When stdio is streamed (./streams.ts)
 * fd_read on stdin and fd_write on stdout/stderr go to the host and may block the guest.
 */
import { Fdflags, Rights } from './constants.js';
import { dirFd, toSafeNumber, type SyscallTable, type WasiContext } from './context.js';
import { Errno, fail } from './errno.js';
import type { FdEntry, FileFd } from './fds.js';
import { filetypeOf, type Node } from './fs.js';
import type { Iovec } from './memory.js';
import { callStream } from './streams.js';
import { MAX_FILE_BYTES } from './volume.js';
import { writeDirents, type Dirent } from './records.js';


/** Reading or writing without FD_READ / FD_WRITE is EBADF (POSIX: not open for that; wasi-testsuite). */
function requireIo(entry: FdEntry, right: number): void {
  if ((entry.rightsBase & right) === 0) fail(Errno.BADF);
}

export function ioCalls(ctx: WasiContext): SyscallTable {
  const { mem, fds, volume } = ctx;

  function readFile(entry: FileFd, list: Iovec[], total: number, position: number): number {
    const data = volume.read(entry.node, position, total);
    ctx.chargeBytes(data.length);
    return mem.scatter(list, data);
  }

  /** Writes the buffers at `position`; the limits are checked before any bytes are copied. */
  function writeFile(entry: FileFd, list: Iovec[], total: number, position: number): void {
    if (total === 0) return; // POSIX: an empty write never extends the file, wherever it lands
    if (position + total > MAX_FILE_BYTES) fail(Errno.FBIG);
    if (position + total - entry.node.size > volume.freeBytes()) fail(Errno.NOSPC);
    ctx.chargeBytes(total);
    volume.write(entry.node, position, mem.gather(list, total));
  }

  return {
    fd_read(fd: number, iovs: number, count: number, out: number) {
      const entry = fds.get(fd);
      const { list, total } = mem.buffers(iovs, count, out);
      let n: number;
      if (entry.kind === 'stdin' && ctx.streams) {
        requireIo(entry, Rights.FD_READ);
        const input = ctx.streams.input;
        return callStream(ctx.streams, () => input.read(total), (chunk) => {
          ctx.chargeBytes(chunk.length);
          mem.setU32(out, mem.scatter(list, chunk));
          return Errno.SUCCESS;
        });
      } else if (entry.kind === 'stdin') {
        requireIo(entry, Rights.FD_READ);
        const chunk = ctx.stdin.read(total);
        ctx.chargeBytes(chunk.length);
        n = mem.scatter(list, chunk);
      } else if (entry.kind === 'file') {
        requireIo(entry, Rights.FD_READ);
        n = readFile(entry, list, total, entry.position);
        entry.position += n;
      } else {
        return fail(Errno.BADF);
      }
      mem.setU32(out, n);
      return Errno.SUCCESS;
    },

    fd_pread(fd: number, iovs: number, count: number, offset: bigint, out: number) {
      const entry = fds.get(fd);
      if (entry.kind === 'stdin') fail(Errno.SPIPE);
      if (entry.kind !== 'file') fail(Errno.BADF);
      requireIo(entry, Rights.FD_READ);
      const { list, total } = mem.buffers(iovs, count, out);
      const position = toSafeNumber(offset);
      mem.setU32(out, readFile(entry, list, total, position));
      return Errno.SUCCESS;
    },

    fd_write(fd: number, iovs: number, count: number, out: number) {
      const entry = fds.get(fd);
      const { list, total } = mem.buffers(iovs, count, out);
      if ((entry.kind === 'stdout' || entry.kind === 'stderr') && ctx.streams) {
        requireIo(entry, Rights.FD_WRITE);
        if (total === 0) {
          mem.setU32(out, 0);
          return Errno.SUCCESS;
        }
        const host = ctx.streams.host;
        const data = mem.gather(list, total);
        ctx.chargeBytes(total);
        const fd = entry.kind === 'stdout' ? 1 : 2;
        return callStream(ctx.streams, () => host.write(fd, data), () => {
          mem.setU32(out, total);
          return Errno.SUCCESS;
        });
      } else if (entry.kind === 'stdout' || entry.kind === 'stderr') {
        requireIo(entry, Rights.FD_WRITE);
        const sink = entry.kind === 'stdout' ? ctx.stdout : ctx.stderr;
        // Copy at most one byte past the cap: enough to trip it, never a huge temporary.
        const take = Math.min(total, sink.room() + 1);
        ctx.chargeBytes(take);
        sink.write(mem.gather(list, take));
      } else if (entry.kind === 'file') {
        requireIo(entry, Rights.FD_WRITE);
        if (entry.flags & Fdflags.APPEND) entry.position = entry.node.size;
        writeFile(entry, list, total, entry.position);
        entry.position += total;
      } else {
        return fail(Errno.BADF);
      }
      mem.setU32(out, total);
      return Errno.SUCCESS;
    },

    fd_pwrite(fd: number, iovs: number, count: number, offset: bigint, out: number) {
      const entry = fds.get(fd);
      if (entry.kind === 'stdout' || entry.kind === 'stderr') fail(Errno.SPIPE);
      if (entry.kind !== 'file') fail(Errno.BADF);
      requireIo(entry, Rights.FD_WRITE);
      const { list, total } = mem.buffers(iovs, count, out);
      const position = toSafeNumber(offset, Errno.FBIG);
      // Linux pwrite semantics (as wasmtime): in append mode the offset is ignored.
      writeFile(entry, list, total, entry.flags & Fdflags.APPEND ? entry.node.size : position);
      mem.setU32(out, total);
      return Errno.SUCCESS;
    },

    fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, out: number) {
      const entry = dirFd(ctx, fd, Rights.FD_READDIR);
      const len = bufLen >>> 0;
      mem.range(buf, len);
      mem.range(out, 4);
      const dir = entry.node;
      const list = dir.list();
      const count = BigInt(list.length + 2);
      // Cookie n names the n-th entry: 0 is `.`, 1 is `..`, then the directory's own entries.
      function* entries(): Generator<Dirent> {
        for (let i = BigInt.asUintN(64, cookie); i < count; i++) {
          const n = Number(i);
          const [name, node]: readonly [string, Node] = n === 0 ? ['.', dir] : n === 1 ? ['..', dir.parent ?? dir] : list[n - 2]!;
          yield { next: i + 1n, ino: node.ino, name, filetype: filetypeOf(node) }; // d_next: the cookie of the following entry
        }
      }
      writeDirents(ctx, mem, entries(), buf, len, out);
      return Errno.SUCCESS;
    },
  };
}
