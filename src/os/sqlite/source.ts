/**
 * Where sqlite3's two artefacts come from: SQLite compiled to WebAssembly by sql.js (which the L1
 * meter rewrites) and sql.js's emscripten glue, as source text. Node reads both from
 * node_modules (../node/sqlite-source.ts); a browser would fetch them. One glue everywhere — the
 * package's browser build (`sql-wasm-browser.js`), which has no Node code paths.
 *
 * The glue is evaluated here, once per loader, as a function of the globals it may see
 * (`glueFromText`): each process then gets a fresh emscripten module (the glue keeps its module
 * in a closure variable, so one evaluation could only ever make one), and the glue reads time,
 * randomness and the environment only from what ./guest-globals.ts passes in.
 */

/** What the glue's `initSqlJs(config)` resolves with (the parts sqlite3 uses). */
export interface SqlJsModule {
  Database: new (data?: Uint8Array | null) => SqlJsDatabase;
  _malloc(n: number): number;
  _free(ptr: number): void;
  [cfn: `_sqlite3_${string}`]: (...args: number[]) => number;
}

export interface SqlJsDatabase {
  /** The `sqlite3*` handle. */
  readonly db: number;
  export(): Uint8Array;
  close(): void;
}

export type InitSqlJs = (config: Record<string, unknown>) => Promise<SqlJsModule>;

/** The glue evaluated against a set of shadowed globals (by name: `Date`, `Math`, `crypto`, …). */
export type SqlJsGlue = (globals: Readonly<Record<string, unknown>>) => InitSqlJs;

export interface SqliteSource {
  /** The original (un-metered) SQLite wasm bytes. */
  wasm(): Promise<Uint8Array>;
  /** The glue, ready to be instantiated once per process. */
  glue(): Promise<SqlJsGlue>;
}

/**
 * Every global name the glue may read that could reach the host (time, randomness, timers, the
 * page, module systems). Each is a parameter of the evaluated glue, so the glue sees the value
 * ./guest-globals.ts gives (or `undefined`), never the real one.
 */
export const SHADOWED_GLOBALS = [
  'globalThis', 'window', 'self', 'document', 'navigator', 'location', 'process', 'require', 'module', 'exports', 'define',
  'importScripts', 'WorkerGlobalScope', 'fetch', 'XMLHttpRequest', 'Date', 'performance', 'crypto', 'Math', 'setTimeout',
  'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask', 'console', 'print', 'printErr',
] as const;

/** Evaluates sql.js's glue text (`var initSqlJs = …`) as a function of the shadowed globals. */
export function glueFromText(text: string): SqlJsGlue {
  if (!/\bvar initSqlJs\s*=/.test(text)) throw new Error('sqlite3: the sql.js glue does not define initSqlJs (unexpected sql.js build)');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the glue is package code, evaluated in a scope of our choosing
  const make = new Function(...SHADOWED_GLOBALS, `${text}\n;return initSqlJs;`) as (...g: unknown[]) => InitSqlJs;
  return (globals) => {
    for (const name of Object.keys(globals)) {
      if (!(SHADOWED_GLOBALS as readonly string[]).includes(name)) throw new Error(`sqlite3: ${name} is not a shadowed glue global`);
    }
    return make(...SHADOWED_GLOBALS.map((name) => globals[name]));
  };
}
