/**
 * What a pool thread that runs WebAssembly and JS does with one job (src/js/node/worker.ts serves
 * it; the guest OS's thread, src/os/node/thread.ts, adds shell scripts on top). The JS engine of
 * the thread is made on first use, or ahead of time by `warmJsThread`.
 */
import { OutlayerError } from '../../errors.js';
import { executeWasm } from '../../sandbox/execute.js';
import { DEFAULTS, type NormalizedOptions } from '../../sandbox/options.js';
import type { ModulePreparer } from '../../sandbox/prepare.js';
import type { WorkerRequest } from '../../sandbox/node/protocol.js';
import type { ExecutionResult } from '../../sandbox/result.js';
import { JsRuntime } from '../runtime.js';
import { nodeQuickJsSource } from './source.js';

let js: JsRuntime | null = null;
const runtime = (preparer: ModulePreparer): JsRuntime => (js ??= new JsRuntime({ source: nodeQuickJsSource, preparer }));

export async function runJsThreadJob(msg: WorkerRequest, preparer: ModulePreparer, options: NormalizedOptions): Promise<ExecutionResult> {
  if (msg.kind === 'wasm') return executeWasm(preparer, msg.code, options);
  if (msg.kind !== 'js') throw new OutlayerError('usage', `this pool runs WebAssembly and JS; kind ${JSON.stringify(msg.kind)} needs the guest OS's pool`);
  const { state: _state, ...result } = await runtime(preparer).run(new TextDecoder().decode(msg.code), options, { entry: msg.entry });
  return result;
}

/** Builds the default-cap JS engine, so the first JS job starts from a warm realm. */
export async function warmJsThread(preparer: ModulePreparer): Promise<void> {
  await runtime(preparer).warm(DEFAULTS.maxMemoryMb);
}
