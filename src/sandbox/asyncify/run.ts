/**
 * Runs a WASI command whose fds 0/1/2 are host streams (../wasi/streams.ts) and whose module was
 * rewritten by asyncify (./transform.ts), so a stream call that answers with a promise pauses the
 * guest instead of blocking the thread:
 *
 *   slice: load fuel → call the entry (`__outlayer_start`, then `_start`) → it returns, because
 *          the guest finished or because it unwound at a call that must wait → charge the slice
 *   wait:  await the host's promise (a StreamErrno rejection becomes the call's errno; any other
 *          rejection ends the run and rejects `runStreaming` with it, the instance abandoned)
 *   then:  rewind into the same call, which returns the value, and run the next slice.
 *
 * Fuel: each slice loads `fuel.left()` (capped by what is left of `maxInstructions`), and the
 * fuel a slice used is passed to `fuel.charge` as soon as it ends — so a caller that shares one
 * budget between several guests (the guest OS) spends it in the order the work happened. The
 * virtual clock and `fuel_used` count this guest's own fuel across slices. Instantiation is
 * synchronous, so the only promises awaited are the host's.
 *
 * Mounts (`host.mounts`, ../wasi/mount.ts) answer at once. A mount may spend from the shared
 * budget (the guest OS charges the system calls behind it), so after each mount call the meter
 * keeps no more than the budget has left beyond the slice's own use; and a mount failure that is
 * not an errno (HostStop) ends the run: `runStreaming` rejects with its cause once the slice's
 * fuel is charged.
 *
 * ```ts
 * const prepared = await prepareCommand(preparer, bytes, ASYNCIFY_TRANSFORM);
 * const r = await runStreaming(prepared, normalizeOptions({}), {
 *   streams: { read: () => null, write: async (fd, bytes) => { await sink(fd, bytes); } },
 * });
 * ```
 */
import { FuelMeter } from '../meter/runtime.js';
import { START_EXPORT } from '../meter/costs.js';
import type { NormalizedOptions } from '../options.js';
import type { PreparedModule } from '../prepare.js';
import type { ExecutionResult } from '../result.js';
import { runResult, setupRun, stopOutcome } from '../run-setup.js';
import { HostStop } from '../signals.js';
import type { MountFs } from '../wasi/mount.js';
import { StreamErrno, type StdioStreams } from '../wasi/streams.js';
import { ASYNCIFY_EXPORTS } from './transform.js';
import { Unwinder, type Parked } from './unwinder.js';

export interface StreamingHost {
  streams: StdioStreams;
  /**
   * Host filesystems the guest sees as preopens (../wasi/mount.ts), after `options.preopens`. A
   * mount call that fails with something other than an errno ends the run: `runStreaming`
   * rejects with it, once the slice's fuel is charged.
   */
  mounts?: readonly { guestPath: string; fs: MountFs }[];
  /** A budget shared with others. Absent: the run spends `maxInstructions` alone. */
  fuel?: {
    /** Fuel the guest may spend in the slice about to start. */
    left(): bigint;
    /** What the slice that just ended used. May throw: the run then rejects with it. */
    charge(used: bigint): void;
  };
}

/** Whether `prepared` came through the asyncify rewrite (it exports asyncify's functions). */
export function isAsyncified(prepared: PreparedModule): boolean {
  return ASYNCIFY_EXPORTS.every((name) => prepared.exports.includes(name));
}

/** Runs an asyncified WASI command with streamed stdio. Guest failures are results; host failures reject. */
export async function runStreaming(prepared: PreparedModule, options: NormalizedOptions, host: StreamingHost): Promise<ExecutionResult> {
  const started = performance.now();
  if (!isAsyncified(prepared)) throw new Error('runStreaming needs a module prepared with ASYNCIFY_TRANSFORM');
  const meter = new FuelMeter(options.maxInstructions);
  let memory: WebAssembly.Memory | null = null;
  const unwinder = new Unwinder(() => memory);
  // Where the current slice began: a mount's calls spend the shared budget during the slice, so
  // after each the meter keeps no more than what the budget has left beyond the slice's own use.
  let sliceStart = 0n;
  const shared = host.fuel;
  const mountCalled = shared && host.mounts ? () => meter.limit(shared.left() - (meter.used() - sliceStart)) : undefined;
  const setup = setupRun(prepared, options, meter, started, {
    streams: host.streams,
    suspender: unwinder,
    ...(host.mounts && { mounts: host.mounts }),
    ...(mountCalled && { mountCalled }),
  });
  if (!('wasi' in setup)) return setup;
  memory = setup.memory;

  let exitCode: number | null = null;
  let error: ExecutionResult['error'] = null;
  const stop = (e: unknown) => {
    ({ exitCode, error } = stopOutcome(meter, e));
  };

  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(prepared.module, setup.imports);
    meter.attach(instance);
    unwinder.bind(instance);
  } catch (e) {
    stop(e);
    return runResult(setup, options, meter, exitCode, error, started);
  }

  const entries: (() => void)[] = [];
  const start = instance.exports[START_EXPORT];
  if (typeof start === 'function') entries.push(start as () => void);
  entries.push(instance.exports._start as () => void);

  let resume: (() => number) | null = null;
  for (let entry = 0; ; ) {
    const cap = options.maxInstructions - meter.used();
    const offered = host.fuel ? host.fuel.left() : cap;
    meter.reload(offered < cap ? offered : cap, instance);
    const before = meter.used();
    sliceStart = before;
    let parked: Parked | null = null;
    let threw = false;
    let hostStop: HostStop | null = null;
    try {
      // asyncify_start_rewind runs metered code too: it belongs to the slice it starts.
      if (resume) unwinder.rewind(resume);
      entries[entry]!();
      if (unwinder.rewinding()) throw new Error('asyncify: the guest returned without reaching the call it was rewound into');
      parked = unwinder.unwound();
    } catch (e) {
      threw = true;
      if (e instanceof HostStop) hostStop = e;
      else stop(e);
    }
    host.fuel?.charge(meter.used() - before);
    if (hostStop) throw hostStop.cause;
    if (threw) break;
    if (!parked) {
      resume = null;
      if (++entry < entries.length) continue;
      exitCode = 0;
      break;
    }
    resume = await settle(parked);
  }
  return runResult(setup, options, meter, exitCode, error, started);
}

/** Awaits a parked call's promise: how the call finishes, or a rejection that ends the run. */
async function settle(parked: Parked): Promise<() => number> {
  try {
    const value = await parked.promise;
    return () => parked.finish(value);
  } catch (e) {
    if (e instanceof StreamErrno) return () => e.errno;
    throw e;
  }
}
