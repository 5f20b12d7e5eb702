/**
 * Process-level calls: args, environment, clocks, randomness, exit, scheduling, and the socket
 * calls (no sockets exist, so every valid descriptor is ENOTSOCK, as wasmtime).
 */
import { GuestExit } from '../signals.js';
import { Errno, fail } from './errno.js';
import type { SyscallTable, WasiContext } from './context.js';

/** Writes NUL-terminated `items` into `buf` and a pointer to each into `ptrs` (argv/environ layout). */
function writeStrings(ctx: WasiContext, items: readonly Uint8Array[], ptrs: number, buf: number): number {
  const { mem } = ctx;
  let total = 0;
  for (const item of items) total += item.length + 1;
  ctx.chargeBytes(total + items.length * 4);
  mem.range(ptrs, items.length * 4);
  mem.range(buf, total);
  let at = buf >>> 0;
  let slot = ptrs >>> 0;
  for (const item of items) {
    mem.setU32(slot, at);
    mem.write(at, item);
    mem.setU8(at + item.length, 0);
    at += item.length + 1;
    slot += 4;
  }
  return Errno.SUCCESS;
}

function writeSizes(ctx: WasiContext, items: readonly Uint8Array[], countPtr: number, sizePtr: number): number {
  let total = 0;
  for (const item of items) total += item.length + 1;
  ctx.mem.setU32(countPtr, items.length);
  ctx.mem.setU32(sizePtr, total);
  return Errno.SUCCESS;
}

function notSocket(ctx: WasiContext, fd: number): number {
  ctx.fds.get(fd);
  return Errno.NOTSOCK;
}

export function envCalls(ctx: WasiContext): SyscallTable {
  const { mem, clock } = ctx;
  return {
    args_get: (argv: number, buf: number) => writeStrings(ctx, ctx.args, argv, buf),
    args_sizes_get: (count: number, size: number) => writeSizes(ctx, ctx.args, count, size),
    environ_get: (environ: number, buf: number) => writeStrings(ctx, ctx.env, environ, buf),
    environ_sizes_get: (count: number, size: number) => writeSizes(ctx, ctx.env, count, size),

    clock_res_get(id: number, out: number) {
      const res = clock.resolution(id >>> 0);
      if (res === undefined) fail(Errno.INVAL);
      mem.setU64(out, res);
      return Errno.SUCCESS;
    },
    clock_time_get(id: number, _precision: bigint, out: number) {
      const now = clock.now(id >>> 0);
      if (now === undefined) fail(Errno.INVAL);
      mem.setU64(out, now);
      return Errno.SUCCESS;
    },

    random_get(buf: number, len: number) {
      const target = mem.slice(buf, len);
      ctx.chargeBytes(target.length);
      ctx.random.fill(target);
      return Errno.SUCCESS;
    },

    proc_exit(code: number): void {
      throw new GuestExit(code >>> 0);
    },
    proc_raise: (_signal: number) => Errno.NOSYS,
    sched_yield: () => Errno.SUCCESS,

    sock_accept: (fd: number, _flags: number, _out: number) => notSocket(ctx, fd),
    sock_recv: (fd: number, _iovs: number, _len: number, _flags: number, _nread: number, _oflags: number) => notSocket(ctx, fd),
    sock_send: (fd: number, _iovs: number, _len: number, _flags: number, _nwritten: number) => notSocket(ctx, fd),
    sock_shutdown: (fd: number, _how: number) => notSocket(ctx, fd),
  };
}
