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
import { StreamErrno, type StdioStreams } from '../wasi/streams.js';
import { ASYNCIFY_EXPORTS } from './transform.js';
import { Unwinder, type Parked } from './unwinder.js';

export interface StreamingHost {
  streams: StdioStreams;
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
  const setup = setupRun(prepared, options, meter, started, { streams: host.streams, suspender: unwinder });
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
    let parked: Parked | null = null;
    let threw = false;
    try {
      // asyncify_start_rewind runs metered code too: it belongs to the slice it starts.
      if (resume) unwinder.rewind(resume);
      entries[entry]!();
      if (unwinder.rewinding()) throw new Error('asyncify: the guest returned without reaching the call it was rewound into');
      parked = unwinder.unwound();
    } catch (e) {
      threw = true;
      stop(e);
    }
    host.fuel?.charge(meter.used() - before);
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
