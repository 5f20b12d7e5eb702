/**
 * `qjs`: JavaScript processes on the L3/L4 runtime (QuickJS metered by L1, the frozen realm),
 * with a std/os-like API (./std-source.ts) and the NEAR system calls.
 *
 *   qjs FILE [ARGS...]       run a script from the VFS (scriptArgs = [FILE, ...ARGS])
 *   qjs -e CODE [ARGS...]    run CODE (scriptArgs = ARGS)
 *   qjs - [ARGS...]          read the script from stdin
 *
 * A script is an ES module (so it can `await` at top level). It runs in slices: QuickJS runs
 * until every job is done, the driver then makes the kernel calls the slice queued, in order
 * (which is where the process blocks and other processes run), settles their promises, and
 * runs the next slice. Each slice is metered with what is left of the OS's single budget and
 * charged to it. The process ends when the script has finished and nothing is queued (status
 * 0), at `std.exit(n)`, or on an uncaught error (status 1, the error on stderr); a NEAR panic
 * ends it with 134. A script that waits on a promise nothing can settle ends with status 13,
 * as Node does for an unsettled top-level await.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { beginExecution } from '../../js/run.js';
import { DEFAULT_CONTEXT, newExecutionState, type ExecutionState } from '../../js/host/state.js';
import { nearOps, type NearSyscallContext } from '../../sandbox/near.js';
import { OsError, type Program, type Proc } from '../types.js';
import { guestOsError } from './host-api.js';
import { QjsProcess } from './process.js';
import type { QjsEngine, QjsRuntime } from './runtime.js';

export interface QjsProgramOptions {
  /** The NEAR context every qjs process of the OS shares (storage, logs, promises). */
  near: NearSyscallContext;
  /** Seeds Math.random and crypto.getRandomValues in the realm (with the pid). Default ''. */
  seed?: string;
  /** Cap on NEAR log bytes per process. Default 1 MiB. */
  maxLogBytes?: number;
}

/** Fuel charged to end the OS when the meter itself ran out (far above any budget). */
const EXHAUST = Number.MAX_SAFE_INTEGER;
const USAGE = 'usage: qjs [-e CODE | FILE | -] [ARGS...]\n';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * `runtime` may be a function making it on first use (in Node, src/os/node/runtimes.ts): the
 * process builds it inside `hostWork`, so an OS that never runs qjs never pays for QuickJS.
 */
export function qjsProgram(runtime: QjsRuntime | (() => Promise<QjsRuntime>), o: QjsProgramOptions): Program {
  return async (p) => {
    const args = p.argv.slice(1);
    while (args[0] === '--std' || args[0] === '-m' || args[0] === '--module') args.shift();
    let source: string;
    let filename: string;
    let scriptArgs: string[];
    if (args[0] === '-h' || args[0] === '--help') {
      await p.write(1, USAGE);
      return 0;
    }
    if (args[0] === '-e' || args[0] === '--eval') {
      if (args[1] === undefined) {
        await p.write(2, `qjs: missing expression for ${args[0]}\n${USAGE}`);
        return 1;
      }
      source = args[1];
      filename = '<cmdline>';
      scriptArgs = args.slice(2);
    } else if (args[0] === '-') {
      source = decoder.decode(await readAll(p));
      filename = '<stdin>';
      scriptArgs = args;
    } else if (args[0] !== undefined && !args[0].startsWith('-')) {
      try {
        source = decoder.decode(await p.readFile(args[0]));
      } catch (e) {
        if (!(e instanceof OsError)) throw e;
        await p.write(2, `qjs: could not load '${args[0]}': ${e.message}\n`);
        return 1;
      }
      filename = args[0];
      scriptArgs = args;
    } else {
      await p.write(2, args[0] === undefined ? `qjs: no script (there is no REPL)\n${USAGE}` : `qjs: unknown option ${args[0]}\n${USAGE}`);
      return 2;
    }
    const { rt, engine } = await p.hostWork(async () => {
      const rt = typeof runtime === 'function' ? await runtime() : runtime;
      return { rt, engine: await rt.acquire() };
    });
    try {
      return await runScript(engine, p, o, { source, filename, scriptArgs });
    } finally {
      rt.release(engine);
    }
  };
}

async function readAll(p: Proc): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const c = await p.read(0, 65536);
    if (c === null) break;
    parts.push(c);
  }
  const out = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of parts) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** `Name: message` and the stack, the way qjs prints an uncaught error. */
function describeError(ctx: QuickJSContext, h: QuickJSHandle): string {
  const d = ctx.dump(h) as unknown;
  if (d && typeof d === 'object' && 'message' in d) {
    const e = d as { name?: unknown; message?: unknown; stack?: unknown };
    const stack = typeof e.stack === 'string' && e.stack.trim() !== '' ? `\n${e.stack.replace(/\n$/, '')}` : '';
    return `${String(e.name ?? 'Error')}: ${String(e.message ?? '')}${stack}`;
  }
  return `Uncaught ${typeof d === 'string' ? d : (JSON.stringify(d) ?? String(d))}`;
}

async function runScript(q: QjsEngine, p: Proc, o: QjsProgramOptions, script: { source: string; filename: string; scriptArgs: string[] }): Promise<number> {
  const { engine, realm, slot, flushOut } = q;
  const ctx = engine.context;
  const near = o.near;
  const proc = new QjsProcess(p, script.scriptArgs);
  const state: ExecutionState = newExecutionState({
    context: { ...DEFAULT_CONTEXT, currentAccountId: near.currentAccountId, signerAccountId: near.signerAccountId, predecessorAccountId: near.predecessorAccountId, blockHeight: near.blockHeight, blockTimestampNs: near.blockTimestampNs, randomSeed: near.randomSeed },
    storage: near.storage,
    maxLogBytes: o.maxLogBytes ?? 1 << 20,
  });
  slot.current = proc;
  slot.near = { ctx: near, ops: nearOps(near, o.maxLogBytes ?? 1 << 20) };
  realm.current = state;
  /** Text the realm buffered (print, puts) goes first: output keeps the order it was written in. */
  const flushGuest = (): void => {
    const r = ctx.callFunction(flushOut, ctx.undefined);
    if (r.error) owned.push(r.error);
    else r.value.dispose();
  };
  realm.console = (level, message) => {
    flushGuest();
    const fd = level === 'warn' || level === 'error' ? 2 : 1;
    proc.actions.push({ kind: 'out', fd, bytes: encoder.encode(`${message}\n`) });
  };
  let logsSeen = 0;
  /** near.log lines: into the OS's NEAR context and onto stderr, as WASI guests' logs. */
  const forwardLogs = (): void => {
    for (; logsSeen < state.logs.length; logsSeen++) {
      const line = state.logs[logsSeen]!;
      near.logs.push(line);
      proc.actions.push({ kind: 'out', fd: 2, bytes: encoder.encode(`${line}\n`) });
    }
  };

  const owned: QuickJSHandle[] = [];
  let status: number | null = null;
  const started = beginExecution(engine, realm, { maxInstructions: p.fuelLeft(), seed: `${o.seed ?? ''}\0qjs:${p.pid}`, blockTimestampNs: p.now() });
  if (started.error) {
    started.error.dispose();
    throw new Error('qjs: the realm did not start');
  }
  /** Runs guest code (`f`, then every pending job), then charges the OS what it used. */
  const slice = (f?: () => void): void => {
    try {
      f?.();
      for (;;) {
        const r = engine.runtime.executePendingJobs(-1);
        if (r.error) {
          owned.push(r.error);
          // Jobs end with an error only when the guest is being stopped (exit, kill, abort).
          if (state.abort) break;
          throw new Error(`qjs: a job failed: ${describeError(ctx, r.error)}`);
        }
        if (!engine.runtime.hasPendingJob()) break;
      }
      if (!state.abort || proc.exitStatus !== null) flushGuest();
    } catch (e) {
      if (!engine.fuel.tripped()) throw e;
    }
    if (engine.fuel.tripped()) {
      engine.broken = true;
      p.charge(EXHAUST);
    }
    p.charge(Number(engine.fuel.used()));
    forwardLogs();
  };

  try {
    let evaluated!: ReturnType<QuickJSContext['evalCode']>;
    slice(() => {
      evaluated = ctx.evalCode(script.source, script.filename, { type: 'module' });
    });
    let modulePromise: QuickJSHandle | null = null;
    if (evaluated.error) {
      owned.push(evaluated.error);
      if (!proc.fatal && proc.exitStatus === null && !proc.aborted) {
        proc.actions.push({ kind: 'out', fd: 2, bytes: encoder.encode(`${describeError(ctx, evaluated.error)}\n`) });
        status = 1;
      }
    } else {
      modulePromise = evaluated.value;
      owned.push(modulePromise);
    }
    while (status === null) {
      if (proc.fatal) throw proc.fatal;
      if (proc.exitStatus !== null) {
        status = proc.exitStatus;
        break;
      }
      if (proc.aborted) {
        proc.actions.push({ kind: 'out', fd: 2, bytes: encoder.encode(`qjs: ${proc.aborted.message}\n`) });
        status = 134;
        break;
      }
      if (proc.actions.length > 0) {
        await proc.drain(ctx, (e: OsError) => guestOsError(ctx, e));
        engine.refuel(p.fuelLeft());
        slice();
        continue;
      }
      const settled = modulePromise ? ctx.getPromiseState(modulePromise) : null;
      if (settled?.type === 'rejected') {
        owned.push(settled.error);
        proc.actions.push({ kind: 'out', fd: 2, bytes: encoder.encode(`${describeError(ctx, settled.error)}\n`) });
        status = 1;
      } else if (settled?.type === 'pending') {
        proc.actions.push({ kind: 'out', fd: 2, bytes: encoder.encode('qjs: the script waits on a promise that nothing can settle (unsettled top-level await)\n') });
        status = 13;
      } else {
        if (settled?.type === 'fulfilled' && !settled.notAPromise) settled.value.dispose();
        status = 0;
      }
    }
    await proc.flushOutput();
    return status;
  } finally {
    for (const a of proc.actions) if (a.kind === 'call' && a.deferred.alive) a.deferred.dispose();
    if (!engine.broken) for (const h of owned) if (h.alive) h.dispose();
  }
}
