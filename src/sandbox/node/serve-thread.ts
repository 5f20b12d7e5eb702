/**
 * The message loop shared by every pool thread entry: receives a job, runs it with the given
 * handler, and replies with the result or a host error. One job at a time per thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OutlayerError } from '../../errors.js';
import type { NormalizedOptions } from '../options.js';
import { ModulePreparer } from '../prepare.js';
import type { ExecutionResult } from '../result.js';
import { DiskStore } from './disk-store.js';
import { fromWire, type WorkerRequest, type WorkerResponse } from './protocol.js';

export type JobHandler = (msg: WorkerRequest, preparer: ModulePreparer, options: NormalizedOptions) => Promise<ExecutionResult>;

export function serveThread(handle: JobHandler, warm?: (preparer: ModulePreparer) => Promise<unknown>): void {
  const { cacheDir } = workerData as { cacheDir: string | null };
  const preparer = new ModulePreparer(cacheDir ? new DiskStore(cacheDir) : undefined);
  const port = parentPort!;
  port.on('message', (msg: WorkerRequest) => {
    void (async () => {
      let reply: WorkerResponse;
      try {
        const options = fromWire(msg.options);
        const result = await handle(msg, preparer, options);
        const near = options.near;
        reply = near
          ? { id: msg.id, result, near: { storage: near.storage as Map<string, Uint8Array>, logs: near.logs, promises: near.promises, returnedPromise: near.returnedPromise } }
          : { id: msg.id, result };
      } catch (e) {
        const err = e as Error;
        reply = { id: msg.id, error: { code: e instanceof OutlayerError ? e.code : 'internal', message: e instanceof OutlayerError ? err.message : (err?.stack ?? String(e)) } };
      }
      port.postMessage(reply);
    })();
  });
  void (warm ? warm(preparer) : Promise.resolve()).then(
    () => port.postMessage({ ready: true } satisfies WorkerResponse),
    (e: Error) => {
      throw e;
    },
  );
}
