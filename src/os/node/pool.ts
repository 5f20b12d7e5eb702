/**
 * A pool of threads that run shell scripts in the guest OS (kind 'sh') besides WebAssembly and JS
 * (./thread.ts): what a server worker runs jobs on.
 *
 * @example
 * const pool = await createOsPool();
 * const r = await pool.run("seq 1 100 | awk '{s+=$1} END {print s}'", { kind: 'sh' });
 */
import { WasmPool, type PoolOptions } from '../../sandbox/node/pool.js';
import { workerEntry } from '../../sandbox/node/worker-entry.js';

const OS_WORKER = workerEntry(import.meta.url, './thread', 'os-worker');

export function createOsPool(options: Omit<PoolOptions, 'worker'> = {}): Promise<WasmPool> {
  return WasmPool.create({ ...options, worker: OS_WORKER });
}
