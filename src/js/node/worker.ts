/**
 * Entry point of a pool thread that runs both WebAssembly and JS (./thread-handler.ts). The
 * default-cap JS engine is built before the thread reports ready, so the first JS job starts
 * from a warm realm.
 */
import { serveThread } from '../../sandbox/node/serve-thread.js';
import { runJsThreadJob, warmJsThread } from './thread-handler.js';

serveThread(runJsThreadJob, warmJsThread);
