/**
 * The JS runtime of one thread: keeps a ready engine per memory cap, replaces an engine after
 * a trap, and turns run options into a job. Environment-neutral; Node and browser workers
 * supply the QuickJS source.
 *
 * @example
 * const js = new JsRuntime({ source: nodeQuickJsSource, preparer: new ModulePreparer() });
 * const result = await js.run('export function execute(x) { return x * 2 }', normalizeOptions({ input: '21' }));
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { NormalizedOptions } from '../sandbox/options.js';
import type { ModulePreparer } from '../sandbox/prepare.js';
import type { ExecutionResult } from '../sandbox/result.js';
import { JsEngine } from './engine/engine.js';
import type { QuickJsSource } from './engine/source.js';
import { DEFAULT_CONTEXT, newExecutionState, type ExecutionState, type NearContext, type Storage } from './host/state.js';
import { ModuleCache, type ModuleCacheOptions } from './module-cache.js';
import { setupRealm, type RealmHandles } from './realm-setup.js';
import { runJs } from './run.js';

export interface JsRunOptions {
  /** Exported function to call (default "execute"). */
  entry?: string;
  /** NEAR context the guest sees (defaults: test accounts, block height 0). */
  context?: Partial<NearContext>;
  /**
   * Contract storage, read and written in place (the result's `state.storage` is this object);
   * pass a copy to keep the original. Default: a new empty Map.
   */
  storage?: Storage;
  /**
   * How the input bytes become the entry's argument. 'value' (default): JSON text is parsed,
   * anything else passed as a string. 'contract' (NEAR contract calls): empty input gives
   * `undefined`, otherwise as 'value'.
   */
  input?: 'value' | 'contract';
  /** A callback's promise results (`near.promiseResult(i)`): bytes, or null for a failed promise. */
  promiseResults?: ReadonlyArray<Uint8Array | null>;
  /** For `near.promiseYieldResume`: whether a yield with this data id waits on the contract (default: always). */
  isYieldPending?: (dataId: Uint8Array) => boolean;
  /** false: evaluate the module even when the engine's module cache holds it, and do not cache it. */
  moduleCache?: boolean;
}

export interface JsResult extends ExecutionResult {
  state: ExecutionState;
}

interface Ready {
  engine: JsEngine;
  realm: RealmHandles;
}

const decoder = new TextDecoder();

export class JsRuntime {
  private readonly engines = new Map<number, Promise<Ready>>();

  /**
   * `moduleCache`: the per-engine cache of evaluated modules (./module-cache.ts); on by default,
   * `false` turns it off, an object sets its size. Results are the same either way.
   */
  constructor(private readonly deps: { source: QuickJsSource; preparer: ModulePreparer; moduleCache?: boolean | ModuleCacheOptions }) {}

  /** Builds (or returns) the engine for a memory cap: call ahead of time to pre-warm. */
  warm(memoryMb: number): Promise<Ready> {
    let ready = this.engines.get(memoryMb);
    if (!ready) {
      let realm!: RealmHandles;
      const cache = this.deps.moduleCache ?? true;
      ready = JsEngine.create({ ...this.deps, memoryMb, setup: (e) => (realm = setupRealm(e)) }).then((engine) => {
        if (cache !== false) engine.moduleCache = ModuleCache.create(engine, realm, cache === true ? {} : cache);
        return { engine, realm };
      });
      ready.catch(() => this.engines.delete(memoryMb));
      this.engines.set(memoryMb, ready);
    }
    return ready;
  }

  async run(source: string, options: NormalizedOptions, js: JsRunOptions = {}): Promise<JsResult> {
    const { engine, realm } = await this.warm(options.maxMemoryMb);
    const text = decoder.decode(options.input);
    let inputJson: string | undefined;
    if (js.input !== 'contract' || text !== '') {
      try {
        JSON.parse(text);
        inputJson = text;
      } catch {
        inputJson = JSON.stringify(text);
      }
    }
    const context: NearContext = {
      ...DEFAULT_CONTEXT,
      blockTimestampNs: options.blockTimestampNs,
      randomSeed: sha256(new TextEncoder().encode(`outlayer/near-random-seed/v1\0${options.seed}`)),
      ...js.context,
    };
    const state = newExecutionState({
      context,
      storage: js.storage ?? new Map(),
      input: text,
      maxLogBytes: options.maxOutputBytes,
      ...(js.promiseResults ? { promiseResults: js.promiseResults } : {}),
      ...(js.isYieldPending ? { isYieldPending: js.isYieldPending } : {}),
    });
    const result = runJs(engine, realm, {
      source,
      entry: js.entry ?? 'execute',
      inputJson,
      maxInstructions: options.maxInstructions,
      maxOutputBytes: options.maxOutputBytes,
      seed: options.seed,
      blockTimestampNs: options.blockTimestampNs,
      state,
      ...(js.moduleCache === false ? { moduleCache: false } : {}),
    });
    if (engine.broken) {
      this.engines.delete(options.maxMemoryMb);
      engine.dispose();
    }
    return { ...result, state };
  }

  dispose(): void {
    for (const ready of this.engines.values()) void ready.then((r) => r.engine.dispose(), () => {});
    this.engines.clear();
  }
}
