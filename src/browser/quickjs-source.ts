/**
 * The browser's QuickJS: the emscripten glue is bundled into the worker script (the same
 * `emscripten-module.browser.mjs` Node uses, so both make the same calls into the wasm), and the
 * 500 KB wasm is fetched from `wasmUrl` only when the first JS job needs it.
 */
import glue from '@jitl/quickjs-wasmfile-release-sync/emscripten-module';
import type { EmscriptenFactory, QuickJsSource } from '../js/engine/source.js';

export function browserQuickJsSource(wasmUrl: string): QuickJsSource {
  let wasm: Promise<Uint8Array> | null = null;
  return {
    wasm: () =>
      (wasm ??= fetch(wasmUrl).then(async (res) => {
        if (!res.ok) throw new Error(`could not fetch the QuickJS wasm from ${wasmUrl}: HTTP ${res.status}`);
        return new Uint8Array(await res.arrayBuffer());
      })).catch((e: unknown) => {
        wasm = null; // a failed fetch is retried by the next JS job
        throw e;
      }),
    glue: async () => glue as unknown as EmscriptenFactory,
  };
}
