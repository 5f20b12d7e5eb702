/**
 * poll_oneoff, deterministic: descriptors are always ready (stdin and files are in memory or on a
 * mount that answers at once, stdout is a buffer), so a poll naming any descriptor reports those at once without advancing time.
 * Otherwise the guest "sleeps": virtual time moves forward by the shortest clock timeout and the
 * clocks that expire report. Nothing waits for real time.
 *
 * With streamed stdio (./streams.ts), a poll for reading stdin first waits for a chunk of input
 * or end of file (kept for the next fd_read), then reports it; clocks in the same poll do not cut
 * that wait short. stdout and stderr are always ready for writing (their writes block instead).
 */
import { Clockid, Eventtype, Rights, Subclockflags } from './constants.js';
import type { SyscallTable, WasiContext } from './context.js';
import { Errno, WasiErrno, fail } from './errno.js';
import { callStream } from './streams.js';

const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;
const U64_MAX = (1n << 64n) - 1n;
/** Bytes poll reads ahead on streamed stdin. */
const POLL_READ_AHEAD = 65536;
/** preview1 eventrwflags: the peer hung up (end of file). */
const FD_READWRITE_HANGUP = 1;

export function pollCalls(ctx: WasiContext): SyscallTable {
  const { mem, clock, fds } = ctx;

  /** ns until the clock subscription at `sub` fires, measured from `now` (elapsed axis). */
  function clockWait(sub: number, now: bigint): bigint {
    const id = mem.u32(sub + 16);
    if (id !== Clockid.REALTIME && id !== Clockid.MONOTONIC) fail(Errno.INVAL);
    const timeout = mem.u64(sub + 24);
    const abs = (mem.u16(sub + 40) & Subclockflags.ABSTIME) !== 0;
    const wait = abs ? clock.deadlineToElapsed(id, timeout) - now : timeout;
    return wait > 0n ? wait : 0n;
  }

  /** Readiness of a descriptor subscription: [errno, nbytes, eventrwflags]. */
  function fdReadiness(type: number, fd: number): [number, number, number?] {
    let entry;
    try {
      entry = fds.get(fd);
    } catch (e) {
      if (e instanceof WasiErrno) return [e.errno, 0];
      throw e;
    }
    if (type === Eventtype.FD_READ) {
      if ((entry.rightsBase & Rights.FD_READ) === 0) return [Errno.BADF, 0];
      if (entry.kind === 'stdin' && ctx.streams) {
        const ready = ctx.streams.input.ready();
        return [Errno.SUCCESS, ready?.bytes ?? 0, ready?.eof ? FD_READWRITE_HANGUP : 0];
      }
      if (entry.kind === 'stdin') return [Errno.SUCCESS, ctx.stdin.available()];
      if (entry.kind === 'file') return [Errno.SUCCESS, Math.max(0, entry.node.size - entry.position)];
      if (entry.kind === 'mount-file') return [Errno.SUCCESS, Math.max(0, entry.mount.fstat(entry.handle).size - entry.mount.seek(entry.handle, 0, 'cur'))];
      return [Errno.BADF, 0];
    }
    if ((entry.rightsBase & Rights.FD_WRITE) === 0) return [Errno.BADF, 0];
    if ((entry.kind === 'stdout' || entry.kind === 'stderr') && ctx.streams) return [Errno.SUCCESS, 0];
    if (entry.kind === 'stdout') return [Errno.SUCCESS, ctx.stdout.room()];
    if (entry.kind === 'stderr') return [Errno.SUCCESS, ctx.stderr.room()];
    if (entry.kind === 'file') return [Errno.SUCCESS, ctx.volume.freeBytes()];
    if (entry.kind === 'mount-file') return [Errno.SUCCESS, 0]; // a mount does not tell its free space
    return [Errno.BADF, 0];
  }

  function writeEvent(at: number, userdata: bigint, errno: number, type: number, nbytes: number, flags = 0): void {
    mem.slice(at, EVENT_SIZE).fill(0);
    mem.setU64(at, userdata);
    mem.setU16(at + 8, errno);
    mem.setU8(at + 10, type);
    mem.setU64(at + 16, nbytes);
    if (flags) mem.setU16(at + 24, flags);
  }

  /** Whether a subscription list waits to read streamed stdin whose readiness is not known yet. */
  function waitsForInput(subs: number, n: number): boolean {
    if (!ctx.streams || ctx.streams.input.ready() !== undefined) return false;
    for (let i = 0; i < n; i++) {
      const sub = subs + i * SUBSCRIPTION_SIZE;
      if (mem.u8(sub + 8) !== Eventtype.FD_READ) continue;
      const entry = fds.find(mem.u32(sub + 16));
      if (entry?.kind === 'stdin' && (entry.rightsBase & Rights.FD_READ) !== 0) return true;
    }
    return false;
  }

  return {
    poll_oneoff(inPtr: number, outPtr: number, nsubs: number, neventsPtr: number) {
      const n = nsubs >>> 0;
      if (n === 0) fail(Errno.INVAL); // would block forever
      const subs = mem.range(inPtr, n * SUBSCRIPTION_SIZE);
      const events = mem.range(outPtr, n * EVENT_SIZE);
      mem.range(neventsPtr, 4);
      ctx.chargeBytes(n * (SUBSCRIPTION_SIZE + EVENT_SIZE));

      // Pass 1: validate, and find the shortest clock wait.
      const now = clock.elapsed();
      let anyFd = false;
      let shortest = U64_MAX;
      for (let i = 0; i < n; i++) {
        const sub = subs + i * SUBSCRIPTION_SIZE;
        const tag = mem.u8(sub + 8);
        if (tag === Eventtype.CLOCK) {
          const wait = clockWait(sub, now);
          if (wait < shortest) shortest = wait;
        } else if (tag === Eventtype.FD_READ || tag === Eventtype.FD_WRITE) {
          anyFd = true;
        } else {
          fail(Errno.INVAL);
        }
      }

      // Pass 2: report descriptors if any, else sleep and report the clocks that fired.
      if (!anyFd) clock.sleep(shortest);
      const report = (): number => {
        let count = 0;
        for (let i = 0; i < n; i++) {
          const sub = subs + i * SUBSCRIPTION_SIZE;
          const tag = mem.u8(sub + 8);
          const userdata = mem.u64(sub);
          const at = events + count * EVENT_SIZE;
          if (anyFd && tag !== Eventtype.CLOCK) {
            const [errno, nbytes, flags] = fdReadiness(tag, mem.u32(sub + 16));
            writeEvent(at, userdata, errno, tag, nbytes, flags);
            count++;
          } else if (!anyFd && clockWait(sub, now) <= shortest) {
            writeEvent(at, userdata, Errno.SUCCESS, Eventtype.CLOCK, 0);
            count++;
          }
        }
        mem.setU32(neventsPtr, count);
        return Errno.SUCCESS;
      };
      if (anyFd && ctx.streams && waitsForInput(subs, n)) {
        const input = ctx.streams.input;
        return callStream(ctx.streams, () => input.fill(POLL_READ_AHEAD), report);
      }
      return report();
    },
  };
}
