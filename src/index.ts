/**
 * OutLayer's public API for Node.
 *
 * @example
 * import { WasmPool } from 'outlayer';
 * const pool = await WasmPool.create();
 * const result = await pool.run(wasmBytes, { input: 'hello', maxInstructions: 1_000_000n });
 * await pool.dispose();
 */
export { WasmPool, type PoolOptions } from './sandbox/node/pool.js';
export { DiskStore, defaultCacheDir } from './sandbox/node/disk-store.js';
export { loadHostDir } from './sandbox/node/load-dir.js';
export * from './sandbox/index.js';
export * from './errors.js';
export { createPool } from './js/node/pool.js';
export { JsRuntime, type JsRunOptions, type JsResult } from './js/runtime.js';
export { nodeQuickJsSource } from './js/node/source.js';
export { bundleContract } from './js/node/bundle.js';
export { OutlayerClient, sha256Hex, type OutlayerClientOptions } from './sdk/client.js';
export { WorkerClient } from './sdk/worker-client.js';
export { OutlayerHttpError } from './sdk/http.js';
export { NearRpcClient, NearRpcError, NearRpcTransportError, type RpcClientStats, type NearRpcClientOptions } from './sdk/near-rpc.js';
export type * from './sdk/types.js';
export { Coordinator, type CoordinatorOptions } from './coordinator/app.js';
export { ServerWorker, type WorkerOptions } from './worker/worker.js';
export { WorkerSigner } from './worker/signer.js';
