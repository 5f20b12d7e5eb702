/**
 * Entry point of a pool thread that runs both WebAssembly and JS. The default-cap JS engine is
 * built before the thread reports ready, so the first JS job starts from a warm realm.
 */
import { executeWasm } from '../../sandbox/execute.js';
import { DEFAULTS } from '../../sandbox/options.js';
import type { ModulePreparer } from '../../sandbox/prepare.js';
import { serveThread } from '../../sandbox/node/serve-thread.js';
import { JsRuntime } from '../runtime.js';
import { nodeQuickJsSource } from './source.js';

let js: JsRuntime | null = null;
const runtime = (preparer: ModulePreparer): JsRuntime => (js ??= new JsRuntime({ source: nodeQuickJsSource, preparer }));

serveThread(
  async (msg, preparer, options) => {
    if (msg.kind === 'wasm') return executeWasm(preparer, msg.code, options);
    const { state: _state, ...result } = await runtime(preparer).run(new TextDecoder().decode(msg.code), options, { entry: msg.entry });
    return result;
  },
  (preparer) => runtime(preparer).warm(DEFAULTS.maxMemoryMb),
);
