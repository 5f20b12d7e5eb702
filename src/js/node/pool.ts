/**
 * A pool of threads that run WebAssembly and JS guests (the JS engine of each thread is built
 * before it reports ready).
 *
 * @example
 * const pool = await createPool();
 * const r = await pool.run('export function execute(x) { return x + 1 }', { input: '41' });
 */
import { WasmPool, type PoolOptions } from '../../sandbox/node/pool.js';
import { workerEntry } from '../../sandbox/node/worker-entry.js';

const JS_WORKER = workerEntry(import.meta.url, './worker', 'js-worker');

export function createPool(options: Omit<PoolOptions, 'worker'> = {}): Promise<WasmPool> {
  return WasmPool.create({ ...options, worker: JS_WORKER });
}
