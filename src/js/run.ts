/**
 * Runs one JS guest on a JsEngine: evaluates the ES module, calls its entry with the input,
 * drives the promise job queue to completion, and returns the result object of
 * ../shared/ARCHITECTURE.md. Guest failures become results; only host bugs throw.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { GuestAbort } from '../sandbox/signals.js';
import type { ExecutionResult } from '../sandbox/result.js';
import type { JsEngine } from './engine/engine.js';
import type { RealmHandles } from './realm-setup.js';
import type { ExecutionState } from './host/state.js';

export interface JsJob {
  /** ES module source (already bundled). */
  source: string;
  /** Name of the exported function to call. */
  entry: string;
  /** JSON text of the input value, or undefined for none (the entry gets `undefined`). */
  inputJson: string | undefined;
  maxInstructions: bigint;
  maxOutputBytes: number;
  seed: string;
  blockTimestampNs: bigint;
  state: ExecutionState;
  /** false: evaluate the module even if the engine's module cache holds it (and do not cache it). */
  moduleCache?: boolean;
}

type Failure = { kind: Exclude<NonNullable<ExecutionResult['error']>['kind'], 'exit'>; message: string };

class GuestFailure {
  constructor(readonly failure: Failure) {}
}

/** Formats a thrown guest value as `Name: message`. */
function describe(ctx: QuickJSContext, error: QuickJSHandle): { name: string; message: string; stack: string } {
  const dumped = ctx.dump(error) as unknown;
  if (dumped && typeof dumped === 'object' && 'message' in dumped) {
    const d = dumped as { name?: unknown; message?: unknown; stack?: unknown };
    return { name: String(d.name ?? 'Error'), message: String(d.message ?? ''), stack: String(d.stack ?? '') };
  }
  return { name: 'Uncaught', message: typeof dumped === 'string' ? dumped : JSON.stringify(dumped) ?? String(dumped), stack: '' };
}

function classifyThrown(ctx: QuickJSContext, error: QuickJSHandle, state: ExecutionState): Failure {
  if (state.abort) return state.abort;
  const { name, message } = describe(ctx, error);
  if (name === 'InternalError' && /out of memory/.test(message)) return { kind: 'out_of_memory', message: 'JS heap limit reached (out of memory)' };
  if ((name === 'InternalError' || name === 'RangeError') && /stack overflow|call stack/i.test(message)) return { kind: 'stack_overflow', message: `${name}: ${message}` };
  return { kind: 'js_exception', message: name === 'Uncaught' ? `Uncaught ${message}` : `${name}: ${message}` };
}

/** A module that could not be loaded at all: a parse error, or an import nobody bundled. */
function parseFailure(ctx: QuickJSContext, error: QuickJSHandle): Failure | null {
  const dumped = ctx.dump(error) as { name?: string; message?: string; stack?: string; fileName?: string; lineNumber?: number } | null;
  if (!dumped || typeof dumped !== 'object') return null;
  const frames = (dumped.stack ?? '').trim().split('\n');
  if (dumped.name === 'SyntaxError' && dumped.fileName === 'contract.js' && frames.length === 1 && /^at contract\.js:\d+/.test(frames[0]!)) {
    return { kind: 'invalid_module', message: `SyntaxError: ${dumped.message} (line ${dumped.lineNumber})` };
  }
  if (dumped.name === 'ReferenceError' && /^could not load module/.test(dumped.message ?? '')) {
    return { kind: 'invalid_module', message: `${dumped.message}: imports must be bundled into the contract (outlayer run does this with esbuild)` };
  }
  return null;
}

/**
 * The realm start: restores the snapshot, loads the budget, and reseeds the realm's clock and
 * PRNG (`control.beginWords`). After it the realm is ready for the guest's first instruction.
 */
export function beginExecution(engine: JsEngine, realm: RealmHandles, job: Pick<JsJob, 'maxInstructions' | 'seed' | 'blockTimestampNs'>): { error?: QuickJSHandle } {
  const ctx = engine.context;
  const timestampMs = Number(job.blockTimestampNs / 1_000_000n);
  const seedHex = realm.seedHex(job.seed);
  engine.begin(job.maxInstructions, timestampMs);
  Object.assign(realm.plugins, { used: 0, seedHex, timestampMs });
  const args = [ctx.newNumber(timestampMs), ...realm.seedWords(seedHex).map((w) => ctx.newNumber(w))];
  const r = ctx.callFunction(realm.begin, ctx.undefined, ...args);
  for (const h of args) h.dispose();
  if (r.error) return { error: r.error };
  r.value.dispose();
  return {};
}

export function runJs(engine: JsEngine, realm: RealmHandles, job: JsJob): ExecutionResult {
  const started = performance.now();
  const ctx = engine.context;
  const state = job.state;
  realm.current = state;
  let output = '';
  let failure: Failure | null = null;
  const owned: QuickJSHandle[] = [];
  const own = (h: QuickJSHandle): QuickJSHandle => {
    owned.push(h);
    return h;
  };
  const unwrap = (r: { value?: QuickJSHandle; error?: QuickJSHandle }): QuickJSHandle => {
    if (r.error) {
      own(r.error);
      throw new GuestFailure(classifyThrown(ctx, r.error, state));
    }
    return own(r.value!);
  };
  /** Runs queued jobs until the queue is empty, then reads the settled value of `h`. */
  const settle = (h: QuickJSHandle, what: string): QuickJSHandle => {
    for (;;) {
      const jobs = engine.runtime.executePendingJobs(-1);
      if (jobs.error) {
        own(jobs.error);
        throw new GuestFailure(classifyThrown(ctx, jobs.error, state));
      }
      if (!engine.runtime.hasPendingJob()) break;
    }
    const p = ctx.getPromiseState(h);
    if (p.type === 'pending') throw new GuestFailure({ kind: 'js_exception', message: `${what} returned a promise that never settled` });
    if (p.type === 'rejected') {
      own(p.error);
      throw new GuestFailure(classifyThrown(ctx, p.error, state));
    }
    if (p.notAPromise) return h;
    return own(p.value);
  };

  try {
    const started = beginExecution(engine, realm, job);
    if (started.error) {
      own(started.error);
      throw new GuestFailure(classifyThrown(ctx, started.error, state));
    }
    const cache = job.moduleCache === false ? null : engine.moduleCache;
    const hit = cache?.lookup(job.source);
    let ns: QuickJSHandle;
    if (cache && hit && job.maxInstructions - engine.fuel.used() >= hit.evalFuel) {
      // The module's evaluation, restored from its snapshot and charged (./module-cache.ts).
      const handles = cache.enter(hit, ctx);
      for (const h of handles) own(h);
      ns = handles[hit.nsIndex]!;
    } else {
      const mark = cache?.mark();
      // One evaluation: a parse error is told apart from a SyntaxError thrown while the module
      // runs (JSON.parse, eval) by its single stack frame in contract.js. (quickjs-emscripten's
      // compile-only module path reads uninitialised memory, so it is not used.)
      const evaluated = ctx.evalCode(job.source, 'contract.js', { type: 'module' });
      if (evaluated.error) {
        own(evaluated.error);
        const invalid = parseFailure(ctx, evaluated.error);
        if (invalid) throw new GuestFailure(invalid);
      }
      ns = settle(unwrap(evaluated), 'module evaluation');
      if (cache && mark) cache.store(job.source, mark, owned, ns);
    }
    const entry = own(ctx.getProp(ns, job.entry));
    if (ctx.typeof(entry) !== 'function') {
      throw new GuestFailure({ kind: 'invalid_module', message: `the module does not export a function named ${JSON.stringify(job.entry)}` });
    }
    const input = job.inputJson === undefined ? ctx.undefined : unwrap(ctx.callFunction(realm.jsonParse, ctx.undefined, own(ctx.newString(job.inputJson))));
    const value = settle(unwrap(ctx.callFunction(entry, ctx.undefined, input)), `${job.entry}()`);
    const json = unwrap(ctx.callFunction(realm.jsonStringify, ctx.undefined, value));
    output = ctx.typeof(json) === 'string' ? ctx.getString(json) : '';
    if (state.abort) throw new GuestFailure(state.abort);
    if (new TextEncoder().encode(output).length > job.maxOutputBytes) {
      output = '';
      throw new GuestFailure({ kind: 'output_limit', message: `output exceeded ${job.maxOutputBytes} bytes` });
    }
  } catch (e) {
    if (e instanceof GuestFailure) failure = e.failure;
    else {
      // A wasm trap (fuel, stack, memory) or a host abort: the instance is no longer usable.
      const reason = e instanceof GuestAbort ? { kind: e.kind, message: e.message } : engine.fuel.classify(e);
      engine.broken = true;
      failure = state.abort ?? (reason.kind === 'exit' ? { kind: 'trap', message: 'unexpected exit' } : reason);
    }
  } finally {
    // A trap inside a host callback can be swallowed by the glue (it logs and returns null to C).
    if (!engine.broken && engine.fuel.tripped()) {
      engine.broken = true;
      const reason = engine.fuel.classify(new WebAssembly.RuntimeError('stopped inside a host call'));
      failure ??= reason.kind === 'exit' ? { kind: 'trap', message: 'unexpected exit' } : reason;
    }
    if (!engine.broken) for (const h of owned) if (h.alive) h.dispose();
    realm.current = null;
  }
  return {
    status: failure ? 'error' : 'ok',
    output: failure ? '' : output,
    fuel_used: Number(engine.fuel.used()),
    exit_code: null,
    logs: state.logs,
    error: failure,
    duration_ms: performance.now() - started,
  };
}
