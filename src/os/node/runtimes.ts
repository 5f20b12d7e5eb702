/**
 * The guest OS's engines in Node: QuickJS for `qjs` and SQLite for `sqlite3` from node_modules,
 * their instrumented wasm cached on disk ($OUTLAYER_CACHE_DIR, as the worker pool does), each
 * built once per process when a script first needs it.
 */
import { nodeQuickJsSource } from '../../js/node/source.js';
import { ModulePreparer } from '../../sandbox/prepare.js';
import { DiskStore, defaultCacheDir } from '../../sandbox/node/disk-store.js';
import { QjsRuntime } from '../qjs/runtime.js';
import { sqlite3Program, type Sqlite3Program } from '../sqlite/program.js';
import { nodeSqliteSource } from './sqlite-source.js';

let preparer: ModulePreparer | null = null;
let qjs: Promise<QjsRuntime> | null = null;

/** One ModulePreparer per process, backed by the disk cache. */
export function nodePreparer(): ModulePreparer {
  preparer ??= new ModulePreparer(new DiskStore(defaultCacheDir()));
  return preparer;
}

/** The process's QjsRuntime (made on first use). */
export function nodeQjsRuntime(): Promise<QjsRuntime> {
  qjs ??= QjsRuntime.create({ source: nodeQuickJsSource, preparer: nodePreparer() });
  qjs.catch(() => (qjs = null));
  return qjs;
}

let sqlite3: Sqlite3Program | null = null;

/** The process's sqlite3 program (SQLite loads when a script first runs it). */
export function nodeSqlite3(): Sqlite3Program {
  sqlite3 ??= sqlite3Program({ source: nodeSqliteSource, preparer: nodePreparer() });
  return sqlite3;
}
