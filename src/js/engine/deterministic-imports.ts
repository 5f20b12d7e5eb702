/**
 * Makes the QuickJS emscripten glue's imports deterministic: its clock reads the block
 * timestamp, its time zone is UTC, it has no timers and an empty environment, and it never grows
 * memory from JS (where the meter cannot see it: the memory is created at its cap). The shared
 * machinery and replacements are in src/sandbox/emscripten-imports.ts.
 */
import { dateNow, emptyEnviron, localtimeUtc, noTimers, replaceImports, tzsetUtc, type HeapContext, type ImportReplacement } from '../../sandbox/emscripten-imports.js';

export interface ImportClock {
  /** Milliseconds since the epoch that the guest's native clock reads (the block timestamp). */
  nowMs(): number;
}

type Context = HeapContext & { clock: ImportClock };

const REPLACEMENTS: ImportReplacement<Context>[] = [
  dateNow((c) => c.clock.nowMs()),
  localtimeUtc(),
  tzsetUtc(),
  noTimers('setTimeout'),
  {
    // emscripten_resize_heap: the memory is created at its cap, so growing always fails.
    name: 'resize_heap',
    matches: (s) => s.includes('.grow('),
    make: () => () => 0,
  },
  ...emptyEnviron<Context>(),
];

/**
 * Replaces the nondeterministic functions of the glue's import namespace in place.
 * `heap` returns a view of the guest memory (re-read on every call).
 */
export function makeImportsDeterministic(namespace: Record<string, unknown>, clock: ImportClock, heap: () => Int32Array): void {
  replaceImports(namespace, REPLACEMENTS, { clock, heap }, 'QuickJS');
}
