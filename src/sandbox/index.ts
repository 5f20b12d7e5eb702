/**
 * L1, the host WebAssembly sandbox, as one environment-neutral API (no Node-only imports):
 * metering, preparation and caching, deterministic WASI, and single-execution running.
 */
export { instrument, type InstrumentedModule } from './meter/instrument.js';
export * as costs from './meter/costs.js';
export { FuelMeter } from './meter/runtime.js';
export { ModulePreparer, InvalidModule, sha256Hex, type PreparedModule } from './prepare.js';
export { LruCache, type ByteStore } from './cache.js';
export { executeWasm, runPrepared } from './execute.js';
export { normalizeOptions, DEFAULTS, LIMITS, type RunOptions, type NormalizedOptions } from './options.js';
export { type ExecutionResult } from './result.js';
export { GuestAbort, GuestExit } from './signals.js';
