/**
 * A WASI preview1 module as a guest-OS process. The module is prepared with asyncify before the
 * OS starts (`prepareWasiProcess`); the process runs it with fds 0/1/2 wired to its own kernel
 * descriptors, streaming: fd_read on stdin is `p.read(0)`, fd_write on stdout/stderr is
 * `p.write(1|2)`, and when the kernel blocks (an empty pipe, a full one) the module unwinds,
 * the process waits like any other, and the module resumes where it stopped
 * (src/sandbox/asyncify/run.ts). So `wasi-yes | head -n 3` ends, and a WASI filter interleaves
 * with its pipeline.
 *
 * - Fuel: each slice of the module runs on what the OS has left (`p.fuelLeft()`, capped by
 *   `maxInstructions`) and charges what it used when it stops, so the OS's budget is spent in the
 *   order work happens. A module that runs out ends the whole OS with out_of_fuel.
 * - A write to a pipe with no reader: the kernel kills the process with SIGPIPE (141) — the
 *   module is abandoned mid-call — or, with SIGPIPE ignored, the guest's write fails with EPIPE.
 *   Other kernel errors become the matching WASI errno.
 * - Instantiation is synchronous, so the process awaits nothing but the kernel's promises.
 * - NEAR system calls work as in direct mode; their log lines go to fd 2 when the module ends.
 * - Files: the kernel's VFS is preopened at `/` (fd 3; ./wasi-fs.ts), so the module's path and
 *   file calls are the process's system calls — live, shared with every other process, charged to
 *   the OS's budget, under its quota and inside its root. wasi-libc resolves relative paths from
 *   `/` (its own cwd), not from the process's cwd. `kernelFs: false` leaves the module without it.
 */
import { ASYNCIFY_TRANSFORM } from '../sandbox/asyncify/transform.js';
import { isAsyncified, runStreaming } from '../sandbox/asyncify/run.js';
import { prepareCommand } from '../sandbox/execute.js';
import { normalizeOptions } from '../sandbox/options.js';
import type { ModulePreparer, PreparedModule } from '../sandbox/prepare.js';
import type { NearSyscallContext } from '../sandbox/near.js';
import { Errno, StreamErrno, type StdioStreams } from '../sandbox/wasi/index.js';
import { OsError, type Errno as OsErrno, type Proc, type Program } from './types.js';
import { kernelFs } from './wasi-fs.js';

export interface WasiProgramOptions {
  /** L1 cap on the module's own instructions, over all its slices (the OS's budget applies too). */
  maxInstructions: bigint;
  maxMemoryMb?: number;
  seed?: string;
  blockTimestampNs?: bigint;
  /**
   * The NEAR system-call context every run of the module shares (storage, logs, promises land in
   * it). Absent: each run gets a local in-memory context built from its environment (NEAR_*).
   */
  near?: NearSyscallContext;
  /** Preopen the kernel's VFS at `/` (fd 3). Default true. */
  kernelFs?: boolean;
}

/** Fuel charged to end the OS when the module itself ran out (far above any budget). */
const EXHAUST = Number.MAX_SAFE_INTEGER;

/** Kernel errnos a stream call can meet, as WASI errnos; the rest are EIO. */
const WASI_ERRNO: Partial<Record<OsErrno, number>> = {
  EPIPE: Errno.PIPE,
  EBADF: Errno.BADF,
  EISDIR: Errno.ISDIR,
  ENOSPC: Errno.NOSPC,
  EINVAL: Errno.INVAL,
};

/** Prepares (cached, as its own variant) a WASI command for `wasiProgram`. Throws InvalidModule. */
export function prepareWasiProcess(preparer: ModulePreparer, code: Uint8Array): Promise<PreparedModule> {
  return prepareCommand(preparer, code, ASYNCIFY_TRANSFORM);
}

export function wasiProgram(prepared: PreparedModule, o: WasiProgramOptions): Program {
  if (!isAsyncified(prepared)) throw new Error('wasiProgram needs a module prepared with prepareWasiProcess (asyncify)');
  return async (p) => {
    const result = await runStreaming(
      prepared,
      normalizeOptions({
        args: p.argv.slice(1),
        argv0: p.argv[0] ?? 'main.wasm',
        env: [...p.env.entries()],
        maxInstructions: o.maxInstructions,
        ...(o.maxMemoryMb !== undefined && { maxMemoryMb: o.maxMemoryMb }),
        ...(o.seed !== undefined && { seed: o.seed }),
        ...(o.blockTimestampNs !== undefined && { blockTimestampNs: o.blockTimestampNs }),
        ...(o.near !== undefined && { near: o.near }),
      }),
      {
        streams: kernelStreams(p),
        ...(o.kernelFs !== false && { mounts: [{ guestPath: '/', fs: kernelFs(p) }] }),
        fuel: { left: () => p.fuelLeft(), charge: (used) => p.charge(Number(used)) },
      },
    );
    if (result.error?.kind === 'out_of_fuel') p.charge(EXHAUST);
    // stderr was streamed, so the result's logs are the NEAR log lines alone.
    if (result.logs.length > 0) await p.write(2, `${result.logs.join('\n')}\n`);
    if (result.exit_code !== null) return result.exit_code & 255;
    if (result.error) {
      await p.write(2, `${p.argv[0]}: ${result.error.kind}: ${result.error.message}\n`);
      return 134;
    }
    return 0;
  };
}

/** fds 0/1/2 of the module as the process's descriptors. Killed and Stopped pass through. */
function kernelStreams(p: Proc): StdioStreams {
  const errno = (e: unknown): never => {
    if (e instanceof OsError) throw new StreamErrno(WASI_ERRNO[e.code] ?? Errno.IO);
    throw e;
  };
  const again = (e: unknown): boolean => e instanceof OsError && e.code === 'EAGAIN';
  // The non-blocking call first: data or room at hand answers at once, without the module
  // unwinding; only a call that must wait goes through the kernel's blocking one.
  return {
    read: (fd, max) => {
      try {
        return p.readSync(fd, max);
      } catch (e) {
        return again(e) ? p.read(fd, max).catch(errno) : errno(e);
      }
    },
    write: (fd, bytes) => {
      try {
        return p.writeSync(fd, bytes);
      } catch (e) {
        return again(e) ? p.write(fd, bytes).catch(errno) : errno(e);
      }
    },
  };
}
