/** The QuickJS wasm and glue, read from node_modules (Node only). */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { EmscriptenFactory, QuickJsSource } from '../engine/source.js';

const require = createRequire(import.meta.url);
const pkgDir = require.resolve('@jitl/quickjs-wasmfile-release-sync/package.json').replace(/package\.json$/, '');

export const nodeQuickJsSource: QuickJsSource = {
  wasm: async () => new Uint8Array(await readFile(`${pkgDir}dist/emscripten-module.wasm`)),
  glue: async () => ((await import(pathToFileURL(`${pkgDir}dist/emscripten-module.browser.mjs`).href)) as { default: EmscriptenFactory }).default,
};
