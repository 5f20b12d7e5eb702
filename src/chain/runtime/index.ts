/**
 * The devnet's transaction runtime: `applyTransaction` (validation, charging, conversion to a
 * receipt), `executeReceipt` (actions, JS and WASM function calls, refunds) and `viewCall`.
 */
export * from './contracts.js';
export * from './fees.js';
export { executeReceipt } from './receipt.js';
export * from './transaction.js';
export * from './types.js';
export { viewCall, type ViewResult } from './view.js';
export * from './promises.js';
