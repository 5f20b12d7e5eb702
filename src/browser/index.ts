/**
 * The browser bundle (dist/outlayer.iife.js → the global `OutLayer`). It stays small: the
 * sandbox, QuickJS glue and signing live in the Web Worker script (dist/outlayer.worker.js), and
 * the QuickJS wasm (dist/quickjs.wasm) is fetched on the first JS job. See docs/browser.md.
 *
 * @example
 * <script src="https://example.com/outlayer/outlayer.iife.js"></script>
 * <script>
 *   OutLayer.run('export function execute(x) { return x * 2 }', { input: '21' }).then((r) => console.log(r.output));
 * </script>
 */
import { setBaseUrl } from './base-url.js';

export { checkCompatibility, type Compatibility } from './compat.js';
export { run, type BrowserRunOptions } from './run.js';
export { sh, type BrowserShellOptions, type BrowserShellResult } from './sh.js';
export { ContractSimulator, JS_GAS_PER_FUEL, type SimulatorContext, type SimulatorResult, type ExecutionMode } from './simulator.js';
export { BrowserWorker, type BrowserWorkerOptions, type WorkerStatus, type WorkerState } from './browser-worker.js';
export { OutlayerError } from '../errors.js';

/** Where outlayer.worker.js and quickjs.wasm are (default: next to outlayer.iife.js). */
export function configure(options: { baseUrl?: string | URL }): void {
  if (!options || typeof options !== 'object') throw new TypeError('configure takes { baseUrl }');
  for (const key of Object.keys(options)) if (key !== 'baseUrl') throw new TypeError(`unknown option ${JSON.stringify(key)}`);
  if (options.baseUrl !== undefined) setBaseUrl(options.baseUrl);
}
