/**
 * A deterministic WASI preview1 host for OutLayer. It replaces `node:wasi`, which reads the real
 * clock, real randomness and real files: here time is derived from fuel, randomness from a seed,
 * and the filesystem is an in-memory copy of the preopened trees, or a filesystem the host mounts
 * (./mount.ts: the guest OS mounts its VFS). It runs unchanged in browsers.
 *
 * ```ts
 * const wasi = new Wasi({ args: ['prog'], env: [['TZ', 'UTC']], stdin: new Uint8Array(0),
 *   maxStdoutBytes: 1 << 20, maxStderrBytes: 1 << 20, clockStartNs: 0n, seed: '0',
 *   preopens: [{ guestPath: '/data', root: dir({ 'in.txt': file('hi') }) }] }, host);
 * const instance = new WebAssembly.Instance(module, { [WASI_MODULE]: wasi.imports });
 * // host.memory() returns instance.exports.memory; then call _start and read wasi.stdout().
 * ```
 *
 * Every import charges WASI_CALL_FUEL, plus ceil(bytes / 8) for the bytes it moves. Guest
 * mistakes (bad pointers, bad descriptors) come back as errno values and never as host exceptions;
 * only GuestExit (proc_exit) and GuestAbort (output cap, fuel) leave an import by throwing.
 */
import { OutlayerError } from '../../errors.js';
import { GuestAbort, GuestExit, HostStop } from '../signals.js';
import { envCalls } from './calls-env.js';
import { fdCalls } from './calls-fd.js';
import { ioCalls } from './calls-io.js';
import { linkCalls } from './calls-links.js';
import { pathCalls } from './calls-path.js';
import { pollCalls } from './calls-poll.js';
import { VirtualClock } from './clock.js';
import { DIR_INHERITING_RIGHTS, DIR_RIGHTS, STDIN_RIGHTS, STDOUT_RIGHTS } from './constants.js';
import type { Syscall, SyscallTable, WasiContext } from './context.js';
import { Errno, WasiErrno } from './errno.js';
import { FdTable } from './fds.js';
import { DirNode } from './fs.js';
import { MountedFs, isMountFs, type MountFs } from './mount.js';
import { withMounts } from './mount-route.js';
import { GuestMemory } from './memory.js';
import { SeededRandom } from './random.js';
import { WASI_FUNCTIONS } from './signatures.js';
import { InputSource, OutputSink } from './stdio.js';
import { StreamErrno, StreamInput, type StdioStreams, type StreamStdio, type Suspender } from './streams.js';
import { DEFAULT_FS_QUOTA_BYTES, Volume } from './volume.js';

export { WASI_SIGNATURES, type WasiSignature, type WasmValType } from './signatures.js';
export { DirNode, FileNode, SymlinkNode, dir, file, symlink, type Node } from './fs.js';
export { Errno, WasiErrno } from './errno.js';
export type { MountDirent, MountFiletype, MountFs, MountOpenFlags, MountStat, MountWhence } from './mount.js';
export { StreamErrno, type StdioStreams, type Suspender } from './streams.js';

export const WASI_MODULE = 'wasi_snapshot_preview1';
/** Fuel charged for every WASI call, before it does anything. */
export const WASI_CALL_FUEL = 100;

export interface WasiConfig {
  /** argv, including argv[0]. */
  args: readonly string[];
  /** Environment in this order (the caller already added TZ=UTC, LANG=C, LC_ALL=C). */
  env: readonly (readonly [string, string])[];
  stdin: Uint8Array;
  /** Writing past this aborts with GuestAbort('output_limit'); exactly this many bytes is fine. */
  maxStdoutBytes: number;
  maxStderrBytes: number;
  /** REALTIME clock value at fuel 0 (the block timestamp), in ns. */
  clockStartNs: bigint;
  /** Seeds random_get. */
  seed: string;
  /** Directories given to the guest as fds 3, 4, ...; the guest works on private copies. */
  preopens: readonly { guestPath: string; root: DirNode }[];
  /**
   * Filesystems the host provides (./mount.ts), preopened after `preopens` (so the first is fd 3
   * when there are none). The guest works on them directly: nothing is copied.
   */
  mounts?: readonly { guestPath: string; fs: MountFs }[];
  /** Bytes the guest may add beyond the preopened content; past it writes fail with ENOSPC (default 64 MiB). */
  fsQuotaBytes?: number;
  /**
   * fds 0/1/2 backed by the host (./streams.ts) instead of `stdin` and the capped sinks; the host
   * must then give a `suspender`. Output caps are the stream's business.
   */
  streams?: StdioStreams;
}

export interface WasiHost {
  /** The instance memory; called on every access (memory can grow, buffers detach). */
  memory(): WebAssembly.Memory;
  /** Charges host work against the budget; throws GuestAbort('out_of_fuel') when spent. */
  charge(fuel: number): void;
  /** Fuel consumed so far (drives the virtual clock). */
  fuelUsed(): bigint;
  /** Parks calls on the streams' promises (with `config.streams`; ../asyncify/run.ts). */
  suspender?: Suspender;
  /**
   * Called after each call to a mount (`config.mounts`): a mount that spends from a budget the
   * guest shares (the guest OS's) lowers the guest's fuel here. May throw to end the run.
   */
  mountCalled?(): void;
}

const CONFIG_KEYS = new Set(['args', 'env', 'stdin', 'maxStdoutBytes', 'maxStderrBytes', 'clockStartNs', 'seed', 'preopens', 'mounts', 'fsQuotaBytes', 'streams']);
const encoder = new TextEncoder();

function usage(message: string): never {
  throw new OutlayerError('usage', `WASI config: ${message}`);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function validate(config: WasiConfig): void {
  for (const key of Object.keys(config)) if (!CONFIG_KEYS.has(key)) usage(`unknown option "${key}"`);
  if (!Array.isArray(config.args) || config.args.some((a) => typeof a !== 'string' || a.includes('\0'))) usage('args must be strings without NUL');
  if (!Array.isArray(config.env)) usage('env must be an array of [key, value] pairs');
  for (const pair of config.env) {
    const [k, v] = Array.isArray(pair) ? pair : [];
    if (typeof k !== 'string' || typeof v !== 'string' || k === '' || k.includes('=') || k.includes('\0') || v.includes('\0')) {
      usage(`bad env entry ${JSON.stringify(pair)}`);
    }
  }
  if (!(config.stdin instanceof Uint8Array)) usage('stdin must be a Uint8Array');
  if (!isCount(config.maxStdoutBytes) || !isCount(config.maxStderrBytes)) usage('output caps must be non-negative integers');
  if (typeof config.clockStartNs !== 'bigint') usage('clockStartNs must be a bigint');
  if (typeof config.seed !== 'string') usage('seed must be a string');
  if (config.fsQuotaBytes !== undefined && !isCount(config.fsQuotaBytes)) usage('fsQuotaBytes must be a non-negative integer');
  if (config.streams !== undefined && (typeof config.streams?.read !== 'function' || typeof config.streams?.write !== 'function')) usage('streams must have read and write functions');
  if (!Array.isArray(config.preopens)) usage('preopens must be an array');
  for (const p of config.preopens) {
    if (typeof p?.guestPath !== 'string' || p.guestPath === '' || p.guestPath.includes('\0')) usage('preopen guestPath must be a non-empty string');
    if (!(p.root instanceof DirNode)) usage(`preopen ${p.guestPath}: root must be a DirNode`);
  }
  if (config.mounts !== undefined && !Array.isArray(config.mounts)) usage('mounts must be an array');
  for (const m of config.mounts ?? []) {
    if (typeof m?.guestPath !== 'string' || m.guestPath === '' || m.guestPath.includes('\0')) usage('mount guestPath must be a non-empty string');
    if (!isMountFs(m.fs)) usage(`mount ${m.guestPath}: fs must implement MountFs`);
  }
}

export class Wasi {
  /** Exactly the preview1 functions (WASI_SIGNATURES), on a null-prototype frozen object. */
  readonly imports: Record<string, (...args: any[]) => number | void>;
  private readonly out: OutputSink;
  private readonly err: OutputSink;

  constructor(config: WasiConfig, host: WasiHost) {
    validate(config);
    if (config.streams && !host.suspender) usage('streams need a host that can suspend the guest');
    const streams: StreamStdio | null = config.streams && host.suspender ? { host: config.streams, input: new StreamInput(config.streams), suspender: host.suspender } : null;
    const clock = new VirtualClock(config.clockStartNs, () => host.fuelUsed());
    const volume = makeVolume(config, clock);
    this.out = new OutputSink('stdout', config.maxStdoutBytes);
    this.err = new OutputSink('stderr', config.maxStderrBytes);
    const fds = new FdTable(volume);
    fds.insert({ kind: 'stdin', rightsBase: STDIN_RIGHTS, rightsInheriting: STDIN_RIGHTS, flags: 0 });
    fds.insert({ kind: 'stdout', rightsBase: STDOUT_RIGHTS, rightsInheriting: STDOUT_RIGHTS, flags: 0 });
    fds.insert({ kind: 'stderr', rightsBase: STDOUT_RIGHTS, rightsInheriting: STDOUT_RIGHTS, flags: 0 });
    config.preopens.forEach((p, i) => {
      fds.insert({ kind: 'dir', node: volume.roots[i]!, preopen: p.guestPath, rightsBase: DIR_RIGHTS, rightsInheriting: DIR_INHERITING_RIGHTS, flags: 0 });
    });
    const mounts = config.mounts ?? [];
    mounts.forEach((m, i) => {
      // dev 1 is the in-memory volume; each mount is a device of its own.
      const mount = new MountedFs(m.fs, BigInt(2 + i), () => host.mountCalled?.());
      fds.insert({ kind: 'mount-dir', mount, path: '/', handle: null, preopen: m.guestPath, listing: null, rightsBase: DIR_RIGHTS, rightsInheriting: DIR_INHERITING_RIGHTS, flags: 0 });
    });

    const ctx: WasiContext = {
      mem: new GuestMemory(() => host.memory()),
      fds,
      volume,
      clock,
      random: new SeededRandom(config.seed),
      stdin: new InputSource(config.stdin.slice()),
      stdout: this.out,
      stderr: this.err,
      streams,
      args: config.args.map((a) => encoder.encode(a)),
      env: config.env.map(([k, v]) => encoder.encode(`${k}=${v}`)),
      chargeBytes(bytes: number) {
        if (bytes > 0) host.charge(Math.ceil(bytes / 8));
      },
    };

    const calls: SyscallTable = {
      ...envCalls(ctx),
      ...fdCalls(ctx),
      ...ioCalls(ctx),
      ...pathCalls(ctx),
      ...linkCalls(ctx),
      ...pollCalls(ctx),
    };
    // Only a run with mounts routes calls by descriptor; others keep exactly their calls.
    const impl = mounts.length > 0 ? withMounts(calls, ctx) : calls;
    const imports: Record<string, Syscall> = Object.create(null);
    for (const name of WASI_FUNCTIONS) {
      const fn = impl[name];
      if (fn === undefined) throw new OutlayerError('internal', `WASI function ${name} is not implemented`);
      imports[name] = guard(fn, host, host.suspender ?? null);
    }
    this.imports = Object.freeze(imports);
  }

  /** Bytes written to fd 1 so far. */
  stdout(): Uint8Array {
    return this.out.bytes();
  }

  /** Bytes written to fd 2 so far. */
  stderr(): Uint8Array {
    return this.err.bytes();
  }
}

function makeVolume(config: WasiConfig, clock: VirtualClock): Volume {
  try {
    return new Volume(config.preopens.map((p) => p.root), config.fsQuotaBytes ?? DEFAULT_FS_QUOTA_BYTES, () => clock.realtime(), BigInt.asUintN(64, config.clockStartNs));
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
}

/**
 * The single wrapper every import goes through: charge the call, run it, and turn anything thrown
 * into an errno, except the two signals that must end the guest. With a suspender, a call the
 * guest is being rewound into (it suspended, ./streams.ts) only finishes: it was charged when it
 * was made.
 */
function guard(fn: Syscall, host: WasiHost, suspender: Suspender | null): Syscall {
  if (suspender) {
    return (...args: unknown[]) => {
      const resumed = suspender.resume();
      if (resumed) return settle(resumed);
      host.charge(WASI_CALL_FUEL);
      return settle(() => fn(...args));
    };
  }
  return (...args: unknown[]) => {
    host.charge(WASI_CALL_FUEL);
    try {
      return fn(...args);
    } catch (e) {
      return errnoOf(e);
    }
  };
}

function settle(call: () => number | void): number | void {
  try {
    return call();
  } catch (e) {
    return errnoOf(e);
  }
}

/** The errno for what a call threw; GuestExit, GuestAbort and HostStop pass through. */
function errnoOf(e: unknown): number {
  if (e instanceof WasiErrno || e instanceof StreamErrno) return e.errno;
  if (e instanceof GuestExit || e instanceof GuestAbort || e instanceof HostStop) throw e;
  // A host RangeError means an access outside guest memory slipped past the checks.
  return e instanceof RangeError ? Errno.FAULT : Errno.INVAL;
}
