/**
 * Makes the emscripten glue's imports deterministic. The stock glue reads the host clock
 * (`Date.now`), the host time zone (localtime/tzset), schedules real timers, builds an
 * environment from `navigator.language`, and grows memory from JS where the meter cannot see
 * it. Each is recognised by its source text (the glue is minified) and replaced; if the glue
 * changes so that one is no longer found, loading fails loudly instead of running
 * non-deterministically.
 */

export interface ImportClock {
  /** Milliseconds since the epoch that the guest's native clock reads (the block timestamp). */
  nowMs(): number;
}

type Fn = (...args: never[]) => unknown;

interface Replacement {
  name: string;
  matches(source: string): boolean;
  make(clock: ImportClock, heap: () => Int32Array): Fn;
}

const REPLACEMENTS: Replacement[] = [
  {
    name: 'Date.now',
    matches: (s) => /^\(\)=>Date\.now\(\)$/.test(s.replace(/\s/g, '')),
    make: (clock) => () => clock.nowMs(),
  },
  {
    // localtime_r(time, tm): the guest gets UTC fields whatever the host's time zone.
    name: 'localtime',
    matches: (s) => s.includes('getTimezoneOffset') && s.includes('getSeconds'),
    make: (_clock, heap) => (time: unknown, tmPtr: unknown) => {
      const t = Number(time);
      const d = new Date(Number.isFinite(t) ? t * 1000 : NaN);
      const h = heap();
      const p = (tmPtr as number) >> 2;
      const year = d.getUTCFullYear();
      const start = Date.UTC(year, 0, 1);
      h[p] = d.getUTCSeconds();
      h[p + 1] = d.getUTCMinutes();
      h[p + 2] = d.getUTCHours();
      h[p + 3] = d.getUTCDate();
      h[p + 4] = d.getUTCMonth();
      h[p + 5] = year - 1900;
      h[p + 6] = d.getUTCDay();
      h[p + 7] = Math.floor((d.getTime() - start) / 86_400_000);
      h[p + 8] = 0; // tm_isdst
      h[p + 9] = 0; // tm_gmtoff
    },
  },
  {
    // tzset(timezone*, daylight*, std_name*, dst_name*): UTC, no daylight saving.
    name: 'tzset',
    matches: (s) => s.includes('getTimezoneOffset') && s.includes('UTC'),
    make: (_clock, heap) => (tz: unknown, daylight: unknown, stdName: unknown, dstName: unknown) => {
      const h = heap();
      h[(tz as number) >> 2] = 0;
      h[(daylight as number) >> 2] = 0;
      const bytes = new Uint8Array(h.buffer);
      for (const ptr of [stdName as number, dstName as number]) bytes.set([0x55, 0x54, 0x43, 0], ptr); // "UTC\0"
    },
  },
  {
    // emscripten timers: nothing in the guest may wait on real time.
    name: 'setTimeout',
    matches: (s) => s.includes('setTimeout'),
    make: () => () => 0,
  },
  {
    // emscripten_resize_heap: the memory is created at its cap, so growing always fails.
    name: 'resize_heap',
    matches: (s) => s.includes('.grow('),
    make: () => () => 0,
  },
  {
    // environ_sizes_get(count*, size*): an empty environment (the glue derives LANG from the browser).
    name: 'environ_sizes_get',
    matches: (s) => /^\(\w+,\w+\)=>\{var \w+=\w+\(\);\w+\[\w+>>2\]=\w+\.length;/.test(s),
    make: (_clock, heap) => (countPtr: unknown, sizePtr: unknown) => {
      const h = heap();
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

/**
 * Replaces the nondeterministic functions of the glue's import namespace in place.
 * `heap` returns a view of the guest memory (re-read on every call).
 */
export function makeImportsDeterministic(namespace: Record<string, unknown>, clock: ImportClock, heap: () => Int32Array): void {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(namespace)) {
    if (typeof value !== 'function') continue;
    const source = String(value);
    const hits = REPLACEMENTS.filter((r) => r.matches(source));
    if (hits.length > 1) throw new Error(`QuickJS glue import ${key} matches several replacements: ${hits.map((h) => h.name).join(', ')}`);
    const hit = hits[0];
    if (!hit) continue;
    if (found.has(hit.name)) throw new Error(`QuickJS glue: two imports look like ${hit.name} (${found.get(hit.name)} and ${key})`);
    found.set(hit.name, key);
    namespace[key] = hit.make(clock, heap);
  }
  const missing = REPLACEMENTS.filter((r) => !found.has(r.name)).map((r) => r.name);
  if (missing.length) throw new Error(`QuickJS glue changed: could not find the imports ${missing.join(', ')} to make deterministic`);
}
