/**
 * WASM contracts on the devnet: NEAR's `env` host-function ABI over the L1-metered sandbox.
 * `prepareContract` checks a module against the ABI allowlist; `runWasmContract` runs one call.
 */
export { ENV_MODULE, ENV_SIGNATURES, checkContractImports, type EnvFunctionName, type EnvSignature } from './abi.js';
export { ACTION_FEES, DEFAULT_GAS_PER_FUEL, DEFAULT_MAX_MEMORY_MB, EXT, LIMITS } from './costs.js';
export { executionErrorText, type WasmCallError, type WasmErrorKind } from './errors.js';
export { prepareContract, runWasmContract, type PrepareContractResult, type WasmContract } from './run.js';
export type { ContractPromise, PromiseAction, PromiseResult, WasmCall, WasmCallContext, WasmCallResult, YieldResume } from './types.js';
