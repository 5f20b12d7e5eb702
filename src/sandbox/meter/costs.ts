/**
 * The metering schedule. Changing any figure here changes `fuel_used` for every program, so
 * bump `METER_VERSION` with it: the version is part of every instrumented-module cache key.
 */

/** Version of the instrumentation scheme (costs, stack weights, code shape). */
export const METER_VERSION = 1;

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
 * Deterministic stack limit. Each call charges its frame `STACK_FRAME_BASE + params + locals`
 * slots (the meter's own two locals included) on entry and returns them on exit; more than
 * `STACK_LIMIT_SLOTS` in use traps with `stack_overflow`. Measured V8 baseline (Liftoff) frames
 * take about 8 bytes per slot (56 bytes with no locals, 2117 with 256), so the limit uses about
 * 512 KiB of V8's default 984 KiB stack, the one browsers give workers too: V8's own
 * "Maximum call stack size exceeded" is never reached first. See docs/sandbox.md.
 */
export const STACK_FRAME_BASE = 8;
export const STACK_LIMIT_SLOTS = 65536;

/** Tables are capped too (their elements live in host memory). */
export const TABLE_MAX_ELEMENTS = 1 << 20;

/** Names the instrumented module uses to talk to the host. */
export const FUEL_EXPORT = '__outlayer_fuel';
export const DEPTH_EXPORT = '__outlayer_stack';
export const START_EXPORT = '__outlayer_start';
export const MEMORY_IMPORT = { module: '__outlayer', name: 'memory' } as const;
