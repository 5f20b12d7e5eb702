/**
 * Emscripten glue imports made deterministic, for every emscripten-built guest the host loads
 * (QuickJS in src/js/engine, SQLite in src/os/sqlite). The stock glue reads the host clock, the
 * host time zone, starts real timers and builds an environment from the browser; each such
 * import is recognised by its source text (the glue is minified) and replaced. If the glue
 * changes so that one is no longer found — or, with `forbidden`, an import left alone still
 * names a host source of nondeterminism — loading fails loudly instead of running
 * non-deterministically.
 */

type Fn = (...args: never[]) => unknown;

/** One import to replace: how to recognise it, and what replaces it given the guest's context `C`. */
export interface ImportReplacement<C> {
  name: string;
  matches(source: string): boolean;
  make(c: C): Fn;
}

/** What the shared replacements need: the guest memory as 32-bit words (re-read on every call). */
export interface HeapContext {
  heap(): Int32Array;
}

const compact = (s: string): string => s.replace(/\s/g, '');

/** `() => Date.now()`: the guest's clock instead (ms since the epoch). */
export const dateNow = <C>(nowMs: (c: C) => number): ImportReplacement<C> => ({
  name: 'Date.now',
  matches: (s) => /^\(\)=>Date\.now\(\)$/.test(compact(s)),
  make: (c) => () => nowMs(c),
});

/** `localtime_r(time, tm)`: UTC fields whatever the host's time zone. */
export const localtimeUtc = <C extends HeapContext>(): ImportReplacement<C> => ({
  name: 'localtime',
  matches: (s) => s.includes('getTimezoneOffset') && s.includes('getSeconds'),
  make: (c) => (time: unknown, tmPtr: unknown) => {
    const t = Number(time);
    const d = new Date(Number.isFinite(t) ? t * 1000 : NaN);
    const h = c.heap();
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
});

/** `tzset(timezone*, daylight*, std_name*, dst_name*)`: UTC, no daylight saving. */
export const tzsetUtc = <C extends HeapContext>(): ImportReplacement<C> => ({
  name: 'tzset',
  matches: (s) => s.includes('getTimezoneOffset') && s.includes('UTC'),
  make: (c) => (tz: unknown, daylight: unknown, stdName: unknown, dstName: unknown) => {
    const h = c.heap();
    h[(tz as number) >> 2] = 0;
    h[(daylight as number) >> 2] = 0;
    const bytes = new Uint8Array(h.buffer);
    for (const ptr of [stdName as number, dstName as number]) bytes.set([0x55, 0x54, 0x43, 0], ptr); // "UTC\0"
  },
});

/** Timers (`setTimeout`-based): nothing in the guest may wait on real time. */
export const noTimers = <C>(name: string): ImportReplacement<C> => ({
  name,
  matches: (s) => s.includes('setTimeout'),
  make: () => () => 0,
});

/** `environ_sizes_get(count*, size*)` and `environ_get`: an empty environment (the glue derives LANG from the browser). */
export const emptyEnviron = <C extends HeapContext>(): ImportReplacement<C>[] => [
  {
    name: 'environ_sizes_get',
    matches: (s) => /^\(\w+,\w+\)=>\{var \w+=\w+\(\);\w+\[\w+>>2\]=\w+\.length;/.test(s),
    make: (c) => (countPtr: unknown, sizePtr: unknown) => {
      const h = c.heap();
      h[(countPtr as number) >> 2] = 0;
      h[(sizePtr as number) >> 2] = 0;
      return 0;
    },
  },
  {
    name: 'environ_get',
    matches: (s) => /^\(\w+,\w+\)=>\{var \w+=0,\w+=0,\w+;for\(\w+ of \w+\(\)\)/.test(s),
    make: () => () => 0,
  },
];

/**
 * Replaces, in place, every function of the glue's import namespace that one of `replacements`
 * recognises; each must be found exactly once. `what` names the guest in errors. With
 * `forbidden`, an import left alone whose source matches it fails the load.
 */
export function replaceImports<C>(namespace: Record<string, unknown>, replacements: readonly ImportReplacement<C>[], c: C, what: string, forbidden?: RegExp): void {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(namespace)) {
    if (typeof value !== 'function') continue;
    const source = String(value);
    const hits = replacements.filter((r) => r.matches(source));
    if (hits.length > 1) throw new Error(`${what} glue import ${key} matches several replacements: ${hits.map((h) => h.name).join(', ')}`);
    const hit = hits[0];
    if (!hit) {
      if (forbidden?.test(source)) throw new Error(`${what} glue import ${key} reads a host clock, timer or random source that is not recognised: ${source.slice(0, 120)}`);
      continue;
    }
    if (found.has(hit.name)) throw new Error(`${what} glue: two imports look like ${hit.name} (${found.get(hit.name)} and ${key})`);
    found.set(hit.name, key);
    namespace[key] = hit.make(c);
  }
  const missing = replacements.filter((r) => !found.has(r.name)).map((r) => r.name);
  if (missing.length) throw new Error(`${what} glue changed: could not find the imports ${missing.join(', ')} to make deterministic`);
}
