/**
 * Entry point of a pool thread: prepares and runs executions one at a time for ./pool.ts.
 * A guest can at worst spin this thread, which the pool then terminates.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OutlayerError } from '../../errors.js';
import { executeWasm } from '../execute.js';
import { ModulePreparer } from '../prepare.js';
import { DiskStore } from './disk-store.js';
import { fromWire, type WorkerRequest, type WorkerResponse } from './protocol.js';

const { cacheDir } = workerData as { cacheDir: string | null };
const preparer = new ModulePreparer(cacheDir ? new DiskStore(cacheDir) : undefined);
const port = parentPort!;

port.on('message', (msg: WorkerRequest) => {
  void (async () => {
    let reply: WorkerResponse;
    try {
      const result = await executeWasm(preparer, msg.code, fromWire(msg.options));
      reply = { id: msg.id, result };
    } catch (e) {
      const err = e as Error;
      reply = { id: msg.id, error: { code: e instanceof OutlayerError ? e.code : 'internal', message: err?.stack ?? String(e) } };
    }
    port.postMessage(reply);
  })();
});

port.postMessage({ ready: true } satisfies WorkerResponse);
