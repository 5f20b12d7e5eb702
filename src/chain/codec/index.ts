/**
 * The devnet's transaction codec: NEAR keys, account ids, borsh `SignedTransaction` decoding
 * and signature checks, and nearcore's JSON error and view shapes. Pure functions; runs in
 * Node and in browsers.
 */
export * from './account-id.js';
export * from './actions.js';
export { base58Decode, base58Encode, base64Decode, base64Encode } from './encoding.js';
export * from './errors.js';
export * from './keys.js';
export * from './result.js';
export * from './transaction.js';
export * from './tx-errors.js';
export * from './views.js';
