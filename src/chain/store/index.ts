/**
 * The devnet's state store: `StateOverlay` (copy-on-write state for a block, and nested ones
 * per receipt), and two `ChainStore`s behind one interface — `SqliteStore` (the devnet's
 * `<data-dir>/chain.sqlite`) and `MemoryStore` (unit tests).
 */
export { MemoryStore } from './memory-store.js';
export { StateOverlay } from './overlay.js';
export { SCHEMA_VERSION, SqliteStore } from './sqlite-store.js';
export { decodeStored, encodeStored } from './stored-json.js';
export * from './types.js';
