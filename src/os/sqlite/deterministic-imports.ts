/**
 * Makes the imports sql.js's glue gives the SQLite wasm deterministic and bounded. The stock glue
 * reads the host clock (`Date.now`, `performance.now`), the host time zone (localtime/tzset),
 * starts real timers (setitimer), builds an environment from `navigator.language`, and grows
 * memory up to 2 GiB. Each is recognised by its source text (the glue is minified) and replaced;
 * if the glue changes so that one is no longer found, or an import that is left alone still
 * names a host clock, timer or random source, loading fails loudly instead of running
 * non-deterministically. (The glue's own JS sees only ./guest-globals.ts, so even a missed
 * import would read the virtual clock; this table is the first line.) The machinery and the
 * replacements QuickJS shares are in src/sandbox/emscripten-imports.ts.
 */
import { dateNow, emptyEnviron, localtimeUtc, noTimers, replaceImports, tzsetUtc, type HeapContext, type ImportReplacement } from '../../sandbox/emscripten-imports.js';

export interface ImportContext {
  /** Milliseconds since the epoch on the virtual clock. */
  nowMs(): number;
  /** The guest memory as it is now (re-read on every call: it can grow). */
  memory(): WebAssembly.Memory;
  /** Memory cap in bytes. */
  maxBytes: number;
  /** Pages grown from JS: charged by the caller like `memory.grow` (it may throw to stop the guest). */
  onGrow(pages: number): void;
}

type Context = ImportContext & HeapContext;

const PAGE = 65536;

const REPLACEMENTS: ImportReplacement<Context>[] = [
  { ...dateNow<Context>((c) => c.nowMs()), name: 'emscripten_date_now' },
  {
    name: 'emscripten_get_now',
    matches: (s) => /^\(\)=>performance\.now\(\)$/.test(s.replace(/\s/g, '')),
    make: (c) => () => c.nowMs(),
  },
  localtimeUtc(),
  tzsetUtc(),
  // _setitimer_js: nothing in the guest may wait on real time (SQLite never arms one).
  noTimers('setitimer'),
  {
    // emscripten_get_heap_max: the cap.
    name: 'get_heap_max',
    matches: (s) => /^\(\)=>\d{6,}$/.test(s.replace(/\s/g, '')),
    make: (c) => () => c.maxBytes,
  },
  {
    // emscripten_resize_heap(requested): grows to exactly what is asked (rounded to pages) while
    // that stays within the cap, so the outcome depends only on the request.
    name: 'resize_heap',
    matches: (s) => s.includes('.grow('),
    make: (c) => (requested: unknown) => {
      const want = (requested as number) >>> 0;
      const memory = c.memory();
      if (want > c.maxBytes) return 0;
      const pages = Math.ceil(want / PAGE) - memory.buffer.byteLength / PAGE;
      if (pages <= 0) return 1;
      c.onGrow(pages);
      try {
        memory.grow(pages);
        return 1;
      } catch {
        return 0;
      }
    },
  },
  ...emptyEnviron<Context>(),
];

/** Names whose presence in an import left as it is would mean a host source of nondeterminism. */
const FORBIDDEN = /performance\.|crypto\.|Math\.random|setTimeout|setInterval|navigator|getTimezoneOffset|\.grow\(/;

/**
 * Replaces the nondeterministic functions of the glue's import namespace in place, and checks
 * what is left. The glue's bundled MEMFS still calls `Date.now()` for file times: that is the
 * shadowed, virtual-clock Date (./guest-globals.ts).
 */
export function makeImportsDeterministic(namespace: Record<string, unknown>, c: ImportContext): void {
  const context: Context = { nowMs: () => c.nowMs(), memory: () => c.memory(), maxBytes: c.maxBytes, onGrow: (n) => c.onGrow(n), heap: () => new Int32Array(c.memory().buffer) };
  replaceImports(namespace, REPLACEMENTS, context, 'sqlite3:', FORBIDDEN);
}
