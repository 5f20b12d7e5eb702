/**
 * The allowlist of what a WASM contract may import: the NEAR `env` host functions this devnet
 * implements, each with nearcore's exact signature (u64 as i64, u32 as i32; from
 * `runtime/near-vm-runner/src/imports.rs`), and `env.memory`. Everything else is refused
 * before the contract runs, with the import named.
 */
import { InvalidModule, type PreparedModule } from '../../sandbox/prepare.js';

export type WasmValType = 'i32' | 'i64';

export interface EnvSignature {
  readonly params: readonly WasmValType[];
  readonly results: readonly WasmValType[];
}

const sig = (params: number, result: WasmValType | null = null): EnvSignature => ({
  params: Array<WasmValType>(params).fill('i64'),
  results: result ? [result] : [],
});

export const ENV_MODULE = 'env';

export const ENV_SIGNATURES = {
  // Registers
  read_register: sig(2),
  register_len: sig(1, 'i64'),
  write_register: sig(3),
  // Context
  current_account_id: sig(1),
  signer_account_id: sig(1),
  signer_account_pk: sig(1),
  predecessor_account_id: sig(1),
  input: sig(1),
  block_index: sig(0, 'i64'),
  block_height: sig(0, 'i64'),
  block_timestamp: sig(0, 'i64'),
  epoch_height: sig(0, 'i64'),
  storage_usage: sig(0, 'i64'),
  // Economics
  account_balance: sig(1),
  account_locked_balance: sig(1),
  attached_deposit: sig(1),
  prepaid_gas: sig(0, 'i64'),
  used_gas: sig(0, 'i64'),
  validator_stake: sig(3),
  validator_total_stake: sig(1),
  // Math
  random_seed: sig(1),
  sha256: sig(3),
  keccak256: sig(3),
  keccak512: sig(3),
  ripemd160: sig(3),
  ed25519_verify: sig(6, 'i64'),
  // Miscellaneous
  value_return: sig(2),
  panic: sig(0),
  panic_utf8: sig(2),
  log_utf8: sig(2),
  log_utf16: sig(2),
  abort: { params: ['i32', 'i32', 'i32', 'i32'], results: [] },
  // Promises
  promise_create: sig(8, 'i64'),
  promise_then: sig(9, 'i64'),
  promise_and: sig(2, 'i64'),
  promise_batch_create: sig(2, 'i64'),
  promise_batch_then: sig(3, 'i64'),
  promise_batch_action_create_account: sig(1),
  promise_batch_action_deploy_contract: sig(3),
  promise_batch_action_function_call: sig(7),
  promise_batch_action_function_call_weight: sig(8),
  promise_batch_action_transfer: sig(2),
  promise_batch_action_stake: sig(4),
  promise_batch_action_add_key_with_full_access: sig(4),
  promise_batch_action_add_key_with_function_call: sig(9),
  promise_batch_action_delete_key: sig(3),
  promise_batch_action_delete_account: sig(3),
  promise_yield_create: sig(7, 'i64'),
  promise_yield_resume: sig(4, 'i32'),
  promise_results_count: sig(0, 'i64'),
  promise_result: sig(2, 'i64'),
  promise_return: sig(1),
  // Storage
  storage_write: sig(5, 'i64'),
  storage_read: sig(3, 'i64'),
  storage_remove: sig(3, 'i64'),
  storage_has_key: sig(2, 'i64'),
  storage_iter_prefix: sig(2, 'i64'),
  storage_iter_range: sig(4, 'i64'),
  storage_iter_next: sig(3, 'i64'),
} as const satisfies Record<string, EnvSignature>;

export type EnvFunctionName = keyof typeof ENV_SIGNATURES;

/** nearcore host functions the devnet does not provide, for a clearer refusal. */
const NOT_PROVIDED = /^(alt_bn128_|bls12381_|ecrecover$|p256_verify$|sha3_|promise_set_refund_to$|refund_to_account_id$|current_contract_code$|sandbox_debug_log$|gas$|promise_batch_action_(deploy_global|use_global|state_init)|set_state_init_data_entry$|promise_yield_create_with_id$|chain_id$)/;

const VALTYPE: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

const show = (params: readonly string[], results: readonly string[]): string => `(${params.join(', ')}) -> (${results.join(', ')})`;

function has(name: string): name is EnvFunctionName {
  return Object.prototype.hasOwnProperty.call(ENV_SIGNATURES, name);
}

/** Throws InvalidModule naming the first import outside the allowlist. */
export function checkContractImports(prepared: PreparedModule): void {
  for (const imp of prepared.imports) {
    const where = `${imp.module}.${imp.name}`;
    if (imp.kind === 'memory') {
      if (imp.module !== ENV_MODULE || imp.name !== 'memory') throw new InvalidModule(`unknown import ${where}: a contract's memory may only be imported as env.memory`);
      continue;
    }
    if (imp.module !== ENV_MODULE) throw new InvalidModule(`unknown import ${where}: contracts may only import NEAR host functions from "env"`);
    if (imp.kind !== 'func') throw new InvalidModule(`unknown import ${where}: env provides functions and memory, not a ${imp.kind}`);
    if (!has(imp.name)) {
      if (NOT_PROVIDED.test(imp.name)) throw new InvalidModule(`import ${where} is a NEAR host function this devnet does not implement`);
      throw new InvalidModule(`unknown import ${where}: not a NEAR host function`);
    }
    const want = ENV_SIGNATURES[imp.name];
    const type = prepared.types[imp.typeIndex];
    const params = (type?.params ?? []).map((t) => VALTYPE[t] ?? '?');
    const results = (type?.results ?? []).map((t) => VALTYPE[t] ?? '?');
    if (show(params, results) !== show(want.params, want.results)) {
      throw new InvalidModule(`import ${where} has type ${show(params, results)}; NEAR defines ${show(want.params, want.results)}`);
    }
  }
}
