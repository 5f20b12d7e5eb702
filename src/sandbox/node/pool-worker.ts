/**
 * Entry point of a WebAssembly-only pool thread (src/js/node/worker.ts adds JS). Runs
 * executions one at a time for ./pool.ts; a guest can at worst spin this thread, which the
 * pool then terminates.
 */
import { OutlayerError } from '../../errors.js';
import { executeWasm } from '../execute.js';
import { serveThread } from './serve-thread.js';

serveThread(async (msg, preparer, options) => {
  if (msg.kind !== 'wasm') throw new OutlayerError('usage', `this pool runs WebAssembly only; kind ${JSON.stringify(msg.kind)} needs the JS pool (src/js/node/pool.ts) or the guest OS's (src/os/node/pool.ts)`);
  return executeWasm(preparer, msg.code, options);
});
