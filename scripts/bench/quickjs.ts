/**
 * QuickJS (quickjs-emscripten's release-sync wasm) loaded two ways for the mixed-workload
 * benchmark: stock, and with its wasm rewritten by the L1 meter. The metered copy is injected
 * through Emscripten's `instantiateWasm` hook, which hands us the glue's imports (including its
 * memory, `a.a`, which the meter keeps as an import) and waits for our instance.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSSyncVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import { START_EXPORT } from '../../src/sandbox/meter/costs.js';
import { instrument } from '../../src/sandbox/meter/instrument.js';
import { FuelMeter } from '../../src/sandbox/meter/runtime.js';

// The package's types are CommonJS-shaped, so tsc sees its `default` as the whole module; at run
// time (its .mjs) the namespace's `default` is the variant itself.
const RELEASE_SYNC = (releaseSync as unknown as { default: QuickJSSyncVariant }).default;

/** Large enough never to run out: the benchmark uses about 10^10 at most. */
export const QUICKJS_BUDGET = 10n ** 15n;

export async function quickjsWasmBytes(): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('@jitl/quickjs-wasmfile-release-sync/package.json').replace(/package\.json$/, '');
  return new Uint8Array(await readFile(`${dir}dist/emscripten-module.wasm`));
}

export function loadStock(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModuleFromVariant(RELEASE_SYNC);
}

export interface MeteredQuickJS {
  qjs: QuickJSWASMModule;
  meter: FuelMeter;
  /** True when the original had a start section (moved by the meter to `__outlayer_start`). */
  ranStart: boolean;
}

/** Instruments the stock wasm once; each `load()` then makes a fresh metered instance of it. */
export async function meteredLoader(stock: Uint8Array): Promise<() => Promise<MeteredQuickJS>> {
  const rewritten = instrument(stock);
  const module = await WebAssembly.compile(rewritten.bytes);
  return async () => {
    const meter = new FuelMeter(QUICKJS_BUDGET);
    let ranStart = false;
    const variant = newVariant(RELEASE_SYNC, {
      emscriptenModule: {
        instantiateWasm(imports, onSuccess) {
          const instance = new WebAssembly.Instance(module, imports);
          meter.attach(instance);
          // The start function (Emscripten's data/ctor set-up) must run with fuel loaded,
          // before the glue calls any export.
          const start = instance.exports[START_EXPORT];
          if (typeof start === 'function') {
            start();
            ranStart = true;
          }
          (onSuccess as (i: WebAssembly.Instance, m: WebAssembly.Module) => void)(instance, module);
          return {};
        },
      },
    });
    const qjs = await newQuickJSWASMModuleFromVariant(variant);
    return { qjs, meter, ranStart };
  };
}

/**
 * The guest program: allocation, string building, sorting, JSON and recursion, with a
 * seeded LCG instead of Math.random so every run does the same work. `N` scales it.
 */
export function workload(n: number): string {
  return `
(() => {
  const N = ${n};
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const items = [];
  for (let i = 0; i < N; i++) items.push({ id: i, name: 'item-' + i, tags: [i % 7, i % 13], nested: { v: rand() % 1000 } });
  let text = '';
  for (let i = 0; i < N; i++) text += String.fromCharCode(97 + (i % 26)) + (i % 10);
  const parts = [];
  for (let i = 0; i < N / 4; i++) parts.push(items[i].name.toUpperCase());
  const joined = parts.join(',');
  const numbers = [];
  for (let i = 0; i < N; i++) numbers.push(rand() % 100000);
  numbers.sort((a, b) => a - b);
  const byName = items.slice(0, N / 4).sort((a, b) => (a.nested.v - b.nested.v) || (a.name < b.name ? -1 : 1));
  const json = JSON.stringify(items);
  const back = JSON.parse(json);
  let sum = 0;
  for (const o of back) sum += o.nested.v + o.tags[0];
  const map = new Map();
  for (let i = 0; i < N; i++) map.set('k' + (i % 1000), (map.get('k' + (i % 1000)) || 0) + i);
  const fib = (k) => (k < 2 ? k : fib(k - 1) + fib(k - 2));
  return [sum, text.length, joined.length, numbers[N >> 1], byName[0].id, json.length, map.size, fib(24)].join(':');
})()`;
}

/** Runs `code` in a fresh runtime; returns its result string and the ms spent in eval only. */
export function runOnce(qjs: QuickJSWASMModule, code: string): { result: string; ms: number } {
  const runtime = qjs.newRuntime();
  const context = runtime.newContext();
  try {
    const t0 = performance.now();
    const handle = context.unwrapResult(context.evalCode(code));
    const ms = performance.now() - t0;
    const result = context.getString(handle);
    handle.dispose();
    return { result, ms };
  } finally {
    context.dispose();
    runtime.dispose();
  }
}

/** Fuel one run of `code` uses in a fresh runtime of `m`, read from the meter around the eval. */
export function fuelOfRun(m: MeteredQuickJS, code: string): { result: string; fuel: bigint } {
  const runtime = m.qjs.newRuntime();
  const context = runtime.newContext();
  try {
    const before = m.meter.used();
    const handle = context.unwrapResult(context.evalCode(code));
    const fuel = m.meter.used() - before;
    const result = context.getString(handle);
    handle.dispose();
    return { result, fuel };
  } finally {
    context.dispose();
    runtime.dispose();
  }
}
