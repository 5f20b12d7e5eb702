/**
 * Engines for `qjs` processes: QuickJS metered by L1 (src/js/engine) with the contract realm
 * (L4 lockdown, `near`) plus `std`, `os`, `print` and `scriptArgs`, snapshotted once and
 * restored for each process. A pipeline of `qjs` processes needs one engine each, so idle
 * engines are pooled and more are made on demand.
 *
 * Determinism: a process may await only what the kernel gives it. `QjsRuntime.create` does the
 * host-async work up front (reading, instrumenting and compiling the wasm, loading the glue);
 * afterwards making an engine settles through promise jobs alone (no timers, no I/O), so a
 * process that needs a new engine mid-run does not let the scheduler see host timing.
 */
import type { QuickJSHandle } from 'quickjs-emscripten-core';
import { JsEngine } from '../../js/engine/engine.js';
import type { QuickJsSource } from '../../js/engine/source.js';
import { setupRealm, type RealmExtension, type RealmHandles } from '../../js/realm-setup.js';
import type { ModulePreparer } from '../../sandbox/prepare.js';
import { newQjsPrimitives, type ProcessSlot } from './host-api.js';
import { STD_OS_SOURCE } from './std-source.js';

export interface QjsEngine {
  engine: JsEngine;
  realm: RealmHandles;
  slot: ProcessSlot;
  /** The realm's flushOut(): hands text buffered by print/puts to the host. */
  flushOut: QuickJSHandle;
}

export interface QjsRuntimeOptions {
  source: QuickJsSource;
  preparer: ModulePreparer;
  /** Memory cap of each process in MiB (the wasm memory and QuickJS's allocator limit). Default 64. */
  memoryMb?: number;
  /** Idle engines kept for reuse. Default 4. */
  poolSize?: number;
}

/** Modules a script can import; everything else must be bundled into the script. */
const MODULES = ['std', 'os', 'qjs:std', 'qjs:os'];

export class QjsRuntime {
  private readonly idle: QjsEngine[] = [];
  private disposed = false;

  private constructor(
    private readonly make: () => Promise<QjsEngine>,
    private readonly poolSize: number,
    readonly memoryMb: number,
  ) {}

  static async create(o: QjsRuntimeOptions): Promise<QjsRuntime> {
    const memoryMb = o.memoryMb ?? 64;
    const prepared = await o.preparer.prepare(await o.source.wasm());
    const glue = await o.source.glue();
    const source: QuickJsSource = { wasm: () => Promise.resolve(new Uint8Array(0)), glue: () => Promise.resolve(glue) };
    const preparer = { prepare: () => Promise.resolve(prepared) };
    const make = async (): Promise<QjsEngine> => {
      const slot: ProcessSlot = { current: null, near: null };
      let realm!: RealmHandles;
      const out: { flushOut?: QuickJSHandle } = {};
      const engine = await JsEngine.create({ source, preparer, memoryMb, setup: (e) => (realm = setupRealm(e, installStdOs(slot, out))) });
      return { engine, realm, slot, flushOut: out.flushOut! };
    };
    const runtime = new QjsRuntime(make, o.poolSize ?? 4, memoryMb);
    runtime.idle.push(await make());
    return runtime;
  }

  /** An engine ready for `begin` (restored from its snapshot then). */
  async acquire(): Promise<QjsEngine> {
    if (this.disposed) throw new Error('QjsRuntime is disposed');
    return this.idle.pop() ?? (await this.make());
  }

  /** Returns an engine after a process; a broken one (trapped) is dropped. */
  release(e: QjsEngine): void {
    e.slot.current = null;
    e.slot.near = null;
    e.realm.current = null;
    e.realm.console = null;
    if (e.engine.broken || this.disposed || this.idle.length >= this.poolSize) e.engine.dispose();
    else this.idle.push(e);
  }

  dispose(): void {
    this.disposed = true;
    for (const e of this.idle.splice(0)) e.engine.dispose();
  }
}

/** Adds `std`, `os`, `print` and `scriptArgs` to the realm, and the `std`/`os` modules. */
function installStdOs(slot: ProcessSlot, out: { flushOut?: QuickJSHandle }): RealmExtension {
  return ({ engine, env, define }) => {
    const ctx = engine.context;
    const make = engine.evalSetup(STD_OS_SOURCE, 'outlayer:qjs-std-os');
    const primitives = newQjsPrimitives(env, slot);
    const api = ctx.unwrapResult(ctx.callFunction(make, ctx.undefined, primitives));
    const owned: QuickJSHandle[] = [make, primitives, api];
    out.flushOut = ctx.getProp(api, 'flushOut'); // kept: it lives in the snapshot with the realm
    for (const name of ['std', 'os', 'print']) {
      const value = ctx.getProp(api, name);
      owned.push(value);
      define(name, value);
    }
    // scriptArgs differs per process: a getter on the global, asking the host each time.
    const args = ctx.getProp(api, 'scriptArgs');
    const defineArgs = engine.evalSetup(`(function (get) { Object.defineProperty(globalThis, 'scriptArgs', { get, enumerable: false, configurable: false }); })`, 'outlayer:qjs-args');
    ctx.unwrapResult(ctx.callFunction(defineArgs, ctx.undefined, args)).dispose();
    owned.push(args, defineArgs);
    // import * as std from 'std' (and 'os', and QuickJS-ng's 'qjs:std' / 'qjs:os').
    const keys = (global: string): string[] => {
      const h = engine.evalSetup(`Object.keys(${global})`, 'outlayer:qjs-keys');
      const names = ctx.dump(h) as string[];
      h.dispose();
      return names;
    };
    const sources = new Map<string, string>();
    for (const global of ['std', 'os']) {
      const names = keys(global);
      const lines = names.map((n, i) => `const v${i} = m[${JSON.stringify(n)}];`);
      const source = `const m = globalThis.${global};\n${lines.join('\n')}\nexport { ${names.map((n, i) => `v${i} as ${n}`).join(', ')} };\nexport default m;\n`;
      sources.set(global, source);
      sources.set(`qjs:${global}`, source);
    }
    engine.runtime.setModuleLoader((name) => sources.get(name) ?? { error: new Error(`could not load module '${name}': qjs scripts can import ${MODULES.join(', ')}; bundle anything else into the script`) });
    for (const h of owned) h.dispose();
  };
}
