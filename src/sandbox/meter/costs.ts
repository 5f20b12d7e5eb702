/**
 * The metering schedule. Changing any figure here changes `fuel_used` for every program, so
 * bump `METER_VERSION` with it: the version is part of every instrumented-module cache key.
 */

/**
 * Version of the instrumentation scheme (costs, stack weights, code shape).
 * 2: fuel and stack height passed in registers, height checked only where recursion can go
 *    (meter/stack.ts), host calls reserve HOST_CALL_SLOTS; block costs unchanged.
 * 3: the stack limit halved to 32,768 slots, to fit a Chromium Web Worker's stack.
 */
export const METER_VERSION = 3;

/** Fuel per WebAssembly instruction. `block`, `loop`, `else` and `end` are free: they emit no machine code. */
export const INSTRUCTION_FUEL = 1;

/** Fuel per 64 KiB page requested by `memory.grow` (charged whether or not the grow succeeds). */
export const GROW_PAGE_FUEL = 1024;

/**
 * Bulk memory (`memory.copy`, `memory.fill`, `memory.init`) costs one fuel per 8 bytes, rounded
 * up, on top of the instruction itself: about what a word-at-a-time copy loop would be charged.
 */
export const BULK_BYTES_PER_FUEL_LOG2 = 3;

/**
 * Deterministic stack limit. A frame weighs `STACK_FRAME_BASE + params + locals` slots (the
 * meter's fuel and height parameters and its scratch local included); the frames on the stack
 * never weigh more than `STACK_LIMIT_SLOTS`: the functions that check (meter/stack.ts) trap with
 * `stack_overflow` before that could happen. Measured V8 baseline (Liftoff) frames of the
 * rewritten functions take at most 8 bytes per slot (80 bytes with no locals, 2135 with 256;
 * TurboFan's are smaller), so the limit uses at most 256 KiB of stack. Chromium gives a Web Worker
 * about half of a page's 984 KiB (measured: 6,360 trivial JS frames in a worker, 12,462 on the
 * page), so with room left for host and glue frames V8's own "Maximum call stack size exceeded"
 * is never reached first in Node (4 MiB pool threads) or in a browser worker. (Meter v2 allowed
 * 65,536 slots, which overflowed a Chromium worker's real stack first in deep QuickJS recursion.)
 * A JS guest recurses about 700–1000 calls deep under it. See docs/sandbox.md.
 */
export const STACK_FRAME_BASE = 8;
export const STACK_LIMIT_SLOTS = 32768;

/**
 * Slots added to the height the guest publishes when a call may pass to host code (an import,
 * a slot of a table the host can fill), for the host's frames between that call and an export it
 * may call back (256 slots are 2 KB at 8 bytes a slot). Measured per nesting of import → host →
 * export: about 190 bytes of host frames for a minimal JS import; for a quickjs-emscripten host
 * callback 3.7 KB of native stack in all, wasm frames included, which the meter counts as 474
 * slots (3.8 KB), so nesting stops with `stack_overflow` after 137 levels, at about 510 KB.
 */
export const HOST_CALL_SLOTS = 256;

/**
 * On a stack overflow the meter also takes this much from the fuel global: execution resumed
 * after glue code swallows the trap then stops at the next fuel check, and the host still tells
 * a stack overflow (fuel below -STACK_TRIP_FUEL / 2) from running out of fuel (budgets are
 * below 2^50). `fuel_used` adds it back.
 */
export const STACK_TRIP_FUEL = 1n << 62n;

/** Tables are capped too (their elements live in host memory). */
export const TABLE_MAX_ELEMENTS = 1 << 20;

/** Names the instrumented module uses to talk to the host. */
export const FUEL_EXPORT = '__outlayer_fuel';
export const DEPTH_EXPORT = '__outlayer_stack';
export const START_EXPORT = '__outlayer_start';
export const MEMORY_IMPORT = { module: '__outlayer', name: 'memory' } as const;
