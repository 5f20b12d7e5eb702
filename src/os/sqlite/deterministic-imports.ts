/**
 * Makes the imports sql.js's glue gives the SQLite wasm deterministic and bounded. The stock glue
 * reads the host clock (`Date.now`, `performance.now`), the host time zone (localtime/tzset),
 * starts real timers (setitimer), builds an environment from `navigator.language`, and grows
 * memory up to 2 GiB. Each is recognised by its source text (the glue is minified) and replaced;
 * if the glue changes so that one is no longer found, or an import that is left alone still
 * names a host clock, timer or random source, loading fails loudly instead of running
 * non-deterministically. (The glue's own JS sees only ./guest-globals.ts, so even a missed
 * import would read the virtual clock; this table is the first line.)
 */

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

type Fn = (...args: never[]) => unknown;

interface Replacement {
  name: string;
  matches(source: string): boolean;
  make(c: ImportContext): Fn;
}

const i32 = (c: ImportContext): Int32Array => new Int32Array(c.memory().buffer);
const PAGE = 65536;

const REPLACEMENTS: Replacement[] = [
  {
    name: 'emscripten_date_now',
    matches: (s) => /^\(\)=>Date\.now\(\)$/.test(s.replace(/\s/g, '')),
    make: (c) => () => c.nowMs(),
  },
  {
    name: 'emscripten_get_now',
    matches: (s) => /^\(\)=>performance\.now\(\)$/.test(s.replace(/\s/g, '')),
    make: (c) => () => c.nowMs(),
  },
  {
    // localtime_r(time, tm): UTC fields whatever the host's time zone.
    name: 'localtime',
    matches: (s) => s.includes('getTimezoneOffset') && s.includes('getSeconds'),
    make: (c) => (time: unknown, tmPtr: unknown) => {
      const t = Number(time);
      const d = new Date(Number.isFinite(t) ? t * 1000 : NaN);
      if (Number.isNaN(d.getTime())) return 1;
      const h = i32(c);
      const p = (tmPtr as number) >> 2;
      const year = d.getUTCFullYear();
      h[p] = d.getUTCSeconds();
      h[p + 1] = d.getUTCMinutes();
      h[p + 2] = d.getUTCHours();
      h[p + 3] = d.getUTCDate();
      h[p + 4] = d.getUTCMonth();
      h[p + 5] = year - 1900;
      h[p + 6] = d.getUTCDay();
      h[p + 7] = Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000);
      h[p + 8] = 0; // tm_isdst
      h[p + 9] = 0; // tm_gmtoff
      return 0;
    },
  },
  {
    // tzset(timezone*, daylight*, std_name*, dst_name*): UTC, no daylight saving.
    name: 'tzset',
    matches: (s) => s.includes('getTimezoneOffset') && s.includes('UTC'),
    make: (c) => (tz: unknown, daylight: unknown, stdName: unknown, dstName: unknown) => {
      const h = i32(c);
      h[(tz as number) >> 2] = 0;
      h[(daylight as number) >> 2] = 0;
      const bytes = new Uint8Array(h.buffer);
      for (const ptr of [stdName as number, dstName as number]) bytes.set([0x55, 0x54, 0x43, 0], ptr); // "UTC\0"
    },
  },
  {
    // _setitimer_js: nothing in the guest may wait on real time (SQLite never arms one).
    name: 'setitimer',
    matches: (s) => s.includes('setTimeout'),
    make: () => () => 0,
  },
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
  {
    // environ_sizes_get(count*, size*): an empty environment (the glue derives LANG from the browser).
    name: 'environ_sizes_get',
    matches: (s) => /^\(\w+,\w+\)=>\{var \w+=\w+\(\);\w+\[\w+>>2\]=\w+\.length;/.test(s),
    make: (c) => (countPtr: unknown, sizePtr: unknown) => {
      const h = i32(c);
      h[(countPtr as number) >> 2] = 0;
      h[(sizePtr as number) >> 2] = 0;
      return 0;
    },
  },
  {
    // environ_get(environ**, buf*): nothing to write for an empty environment.
    name: 'environ_get',
    matches: (s) => /^\(\w+,\w+\)=>\{var \w+=0,\w+=0,\w+;for\(\w+ of \w+\(\)\)/.test(s),
    make: () => () => 0,
  },
];

/** Names whose presence in an import left as it is would mean a host source of nondeterminism. */
const FORBIDDEN = /performance\.|crypto\.|Math\.random|setTimeout|setInterval|navigator|getTimezoneOffset|\.grow\(/;

/**
 * Replaces the nondeterministic functions of the glue's import namespace in place, and checks
 * what is left. The glue's bundled MEMFS still calls `Date.now()` for file times: that is the
 * shadowed, virtual-clock Date (./guest-globals.ts).
 */
export function makeImportsDeterministic(namespace: Record<string, unknown>, c: ImportContext): void {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(namespace)) {
    if (typeof value !== 'function') continue;
    const source = String(value);
    const hits = REPLACEMENTS.filter((r) => r.matches(source));
    if (hits.length > 1) throw new Error(`sqlite3: glue import ${key} matches several replacements: ${hits.map((h) => h.name).join(', ')}`);
    const hit = hits[0];
    if (!hit) {
      if (FORBIDDEN.test(source)) throw new Error(`sqlite3: glue import ${key} reads a host clock, timer or random source that is not recognised: ${source.slice(0, 120)}`);
      continue;
    }
    if (found.has(hit.name)) throw new Error(`sqlite3: two glue imports look like ${hit.name} (${found.get(hit.name)} and ${key})`);
    found.set(hit.name, key);
    namespace[key] = hit.make(c);
  }
  const missing = REPLACEMENTS.filter((r) => !found.has(r.name)).map((r) => r.name);
  if (missing.length) throw new Error(`sqlite3: the sql.js glue changed: could not find the imports ${missing.join(', ')} to make deterministic`);
}
