/**
 * The per-engine module cache: a guest module's evaluation (parse + top-level code) done once,
 * its result kept as a memory snapshot, so later executions of the same source skip it.
 *
 * An execution normally goes: restore the base snapshot → `beginWords` (reseed the PRNG, set
 * the block clock) → evaluate the module and drain its jobs → call the entry. When the module's
 * evaluation did not depend on anything per-execution — no host call at all (so no `near.*`, no
 * console output, no FrozenRealm), no draw from the seeded PRNG, no read of the clock — the
 * memory right after it differs between two executions only in the realm's per-execution words
 * (the four PRNG state words and `clock.now`) and in garbage (freed memory and stack below the
 * stack pointer, never read). So a cached execution goes: restore the base snapshot →
 * `beginWords` (the same metered call) → copy the per-execution words out → restore the
 * module's snapshot → copy them back in → charge the evaluation's recorded fuel → call the
 * entry. The entry then runs on the same live memory as without the cache, so output, logs,
 * errors and `fuel_used` are the same.
 *
 * The addresses of the per-execution words are found once per engine (`ModuleCache.create`):
 * `beginWords` is run with two known seeds and clocks, the words holding the expected values
 * in both are located in the heap, and the result is checked by behaviour (Math.random and
 * Date.now after patching equal those of a real `beginWords`). If anything does not match, the
 * engine runs without a cache.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import type { JsEngine } from './engine/engine.js';
import type { Snapshot } from './engine/snapshot.js';
import type { RealmHandles } from './realm-setup.js';
import { beginExecution } from './run.js';

/** Modules kept per engine (least recently used evicted). */
export const MODULE_CACHE_SIZE = 8;
/**
 * Evaluations cheaper than this are not cached: restoring a snapshot (~1–3 MB copied) costs
 * more wall-clock time than evaluating a small module. Fuel is the same either way.
 */
export const MIN_CACHED_EVAL_FUEL = 2_000_000n;

export interface ModuleCacheOptions {
  capacity?: number;
  minEvalFuel?: bigint;
}

interface Slots {
  /** Byte addresses of the 8-byte JSValues holding the PRNG state s0..s3 and clock.now. */
  perExecution: number[];
  /** Byte address of `clock.read` (set to 1 by every clock read). */
  read: number;
}

export interface CachedModule {
  snapshot: Snapshot;
  /** Fuel the evaluation took (from after `beginWords` to the settled namespace). */
  evalFuel: bigint;
  /** JSValue pointers of the handles the execution held at that point, in order. */
  handles: number[];
  /** Which of them is the module namespace. */
  nsIndex: number;
}

/** What an uncached execution records right after `beginWords`, to judge its evaluation. */
export interface EvalMark {
  fuel: bigint;
  hostCalls: number;
  /** The per-execution words as u32 pairs. */
  words: number[];
}

/** The realm's xoshiro128** seeding (realm/source/random.ts), to know the expected state words. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function seededState(w: number[]): number[] {
  const s = [mix(w[0]! ^ mix(w[4]! ^ 0x9e3779b9)), mix(w[1]! ^ mix(w[5]! ^ 0x3c6ef372)), mix(w[2]! ^ mix(w[6]! ^ 0xdaa66d2b)), mix(w[3]! ^ mix(w[7]! ^ 0x78dde6e4))];
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  return s;
}

const PROBE_CODE = '[Math.random(), Math.random(), Date.now()].join()';

export class ModuleCache {
  private readonly entries = new Map<string, CachedModule>();
  private u32: Uint32Array;
  readonly capacity: number;
  readonly minEvalFuel: bigint;

  private constructor(
    private readonly engine: JsEngine,
    private readonly realm: RealmHandles,
    private readonly slots: Slots,
    options: ModuleCacheOptions,
  ) {
    this.capacity = options.capacity ?? MODULE_CACHE_SIZE;
    this.minEvalFuel = options.minEvalFuel ?? MIN_CACHED_EVAL_FUEL;
    this.u32 = new Uint32Array(engine.memory.buffer);
  }

  /**
   * Finds the per-execution words of a freshly built engine (between executions) and returns
   * its cache, or null when they cannot be located and verified (the engine then runs uncached).
   * Leaves the engine dirty: the next execution restores the base snapshot as usual.
   */
  static create(engine: JsEngine, realm: RealmHandles, options: ModuleCacheOptions = {}): ModuleCache | null {
    try {
      const slots = locateSlots(engine, realm);
      return slots ? new ModuleCache(engine, realm, slots, options) : null;
    } catch {
      return null;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held by the cached snapshots. */
  get bytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.snapshot.bytes.length;
    return n;
  }

  /** The cached evaluation of `source`, marked most recently used. */
  lookup(source: string): CachedModule | undefined {
    const hit = this.entries.get(source);
    if (hit) {
      this.entries.delete(source);
      this.entries.set(source, hit);
    }
    return hit;
  }

  has(source: string): boolean {
    return this.entries.has(source);
  }

  /** Right after `beginWords` of an execution that will evaluate its module. */
  mark(): EvalMark {
    return { fuel: this.engine.fuel.used(), hostCalls: this.realm.hostCalls, words: this.readWords() };
  }

  /**
   * Right after the module evaluated and its jobs drained (between calls into the wasm):
   * snapshots it if the evaluation depended on nothing per-execution. Makes no call into the
   * wasm (that would be metered, and the uncached execution does not make it).
   */
  store(source: string, mark: EvalMark, owned: QuickJSHandle[], ns: QuickJSHandle): void {
    const engine = this.engine;
    const evalFuel = engine.fuel.used() - mark.fuel;
    if (evalFuel < this.minEvalFuel) return;
    if (engine.broken || engine.fuel.tripped() || this.realm.current?.abort) return;
    if (this.realm.hostCalls !== mark.hostCalls) return; // near.*, console, FrozenRealm
    if (this.realm.current && this.realm.current.logs.length > 0) return;
    const now = this.readWords();
    for (let i = 0; i < now.length; i++) if (now[i] !== mark.words[i]) return; // PRNG drawn
    const u32 = this.view();
    if (u32[this.slots.read >>> 2] !== 0 || u32[(this.slots.read >>> 2) + 1] !== 0) return; // clock read
    const nsIndex = owned.indexOf(ns);
    if (nsIndex < 0 || owned.some((h) => !h.alive)) return;
    let snapshot: Snapshot;
    try {
      snapshot = engine.captureSnapshot();
    } catch {
      return;
    }
    this.entries.delete(source);
    this.entries.set(source, { snapshot, evalFuel, handles: owned.map((h) => h.value as unknown as number), nsIndex });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /**
   * Replaces the evaluation: called right after `beginWords` (memory = base + per-execution
   * words), with at least `evalFuel` left. Returns the handles the uncached execution would
   * hold at this point (the namespace at `nsIndex`).
   */
  enter(hit: CachedModule, ctx: QuickJSContext): QuickJSHandle[] {
    const words = this.readWords();
    this.engine.restoreTo(hit.snapshot);
    const u32 = this.view();
    this.slots.perExecution.forEach((a, i) => {
      u32[a >>> 2] = words[2 * i]!;
      u32[(a >>> 2) + 1] = words[2 * i + 1]!;
    });
    this.engine.fuel.charge(Number(hit.evalFuel));
    const memory = (ctx as unknown as { memory: { heapValueHandle(ptr: number): QuickJSHandle } }).memory;
    return hit.handles.map((ptr) => memory.heapValueHandle(ptr));
  }

  clear(): void {
    this.entries.clear();
  }

  /** A u32 view of the memory (created at its cap, so the buffer does not change; re-made if it did). */
  private view(): Uint32Array {
    if (this.u32.buffer !== this.engine.memory.buffer) this.u32 = new Uint32Array(this.engine.memory.buffer);
    return this.u32;
  }

  private readWords(): number[] {
    const u32 = this.view();
    const out: number[] = [];
    for (const a of this.slots.perExecution) out.push(u32[a >>> 2]!, u32[(a >>> 2) + 1]!);
    return out;
  }
}

/** Runs `beginWords` from the base snapshot with a probe seed and clock; returns the expected words. */
function probe(engine: JsEngine, realm: RealmHandles, seed: string, timestampMs: number): number[] {
  realm.current = null;
  const r = beginExecution(engine, realm, { maxInstructions: 10n ** 12n, seed, blockTimestampNs: BigInt(timestampMs) * 1_000_000n });
  if (r.error) {
    r.error.dispose();
    throw new Error('module cache probe: beginWords failed');
  }
  return [...seededState(realm.seedWords(realm.seedHex(seed))), timestampMs];
}

function probeEval(engine: JsEngine): string {
  const ctx = engine.context;
  const r = ctx.evalCode(PROBE_CODE, 'outlayer:probe', { type: 'global' });
  if (r.error) {
    r.error.dispose();
    throw new Error('module cache probe: evaluation failed');
  }
  const text = ctx.getString(r.value);
  r.value.dispose();
  return text;
}

/** Addresses in the heap (from the JSRuntime, the first allocation) holding each value as a QuickJS int JSValue. */
function find(engine: JsEngine, values: number[], heapStart: number, heapEnd: number): number[][] {
  const words = new Uint32Array(engine.memory.buffer);
  const found: number[][] = values.map(() => []);
  for (let i = Math.ceil(heapStart / 8) * 2; i + 1 < heapEnd / 4; i += 2) {
    if (words[i + 1] !== 0) continue;
    const lo = words[i]!;
    for (let k = 0; k < values.length; k++) if (lo === values[k]! >>> 0) found[k]!.push(i * 4);
  }
  return found;
}

function locateSlots(engine: JsEngine, realm: RealmHandles): Slots | null {
  const heapStart = (engine.runtime as unknown as { rt: { value: number } }).rt.value;
  const heapEnd = Math.min(engine.memory.buffer.byteLength, engine.baseBreak);
  // Two probes with int32 clocks (an int JSValue is the value and a zero tag word).
  const a = probe(engine, realm, 'outlayer/module-cache/probe-a', 0x1234567);
  const foundA = find(engine, a, heapStart, heapEnd);
  const b = probe(engine, realm, 'outlayer/module-cache/probe-b', 0x7654321);
  const foundB = find(engine, b, heapStart, heapEnd);
  const perExecution: number[] = [];
  for (let k = 0; k < a.length; k++) {
    const both = foundA[k]!.filter((x) => foundB[k]!.includes(x));
    if (both.length !== 1) return null;
    perExecution.push(both[0]!);
  }
  const slots: Slots = { perExecution, read: perExecution[4]! + 8 };
  const mem = () => new Uint8Array(engine.memory.buffer);
  const isZero = (addr: number) => mem().subarray(addr, addr + 8).every((x) => x === 0);
  // Verify by behaviour: probe A as it is…
  probe(engine, realm, 'outlayer/module-cache/probe-a', 0x1234567);
  const wordsA = perExecution.map((x) => mem().slice(x, x + 8));
  if (!isZero(slots.read)) return null;
  const expected = probeEval(engine);
  if (isZero(slots.read)) return null; // Date.now() must set clock.read
  // …and probe B with A's words copied in must behave the same.
  probe(engine, realm, 'outlayer/module-cache/probe-b', 0x7654321);
  perExecution.forEach((x, i) => mem().set(wordsA[i]!, x));
  if (probeEval(engine) !== expected) return null;
  return slots;
}
