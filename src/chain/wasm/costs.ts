/**
 * Gas figures and limits for WASM contracts, taken from nearcore's base runtime parameters
 * (`core/parameters/res/runtime_configs/parameters.yaml`; yield costs from `67.yaml` and `73.yaml`),
 * so a devnet call burns about what it would on NEAR.
 *
 * Guest instructions are counted by the L1 meter in fuel (1 per instruction, see
 * docs/sandbox.md) and converted at `DEFAULT_GAS_PER_FUEL`, which is nearcore's
 * `wasm_regular_op_cost`: nearcore also charges that much per instruction. A 300 Tgas call
 * therefore runs at most 364,628,680 instructions (about 0.3–1 s in V8).
 */

/** Gas per unit of fuel (one WebAssembly instruction): nearcore's `wasm_regular_op_cost`. */
export const DEFAULT_GAS_PER_FUEL = 822_756n;

/** Host-function costs (nearcore's `ExtCosts`), in gas. */
export const EXT = {
  base: 264_768_111n,
  read_memory_base: 2_609_863_200n,
  read_memory_byte: 3_801_333n,
  write_memory_base: 2_803_794_861n,
  write_memory_byte: 2_723_772n,
  read_register_base: 2_517_165_186n,
  read_register_byte: 98_562n,
  write_register_base: 2_865_522_486n,
  write_register_byte: 3_801_564n,
  utf8_decoding_base: 3_111_779_061n,
  utf8_decoding_byte: 291_580_479n,
  utf16_decoding_base: 3_543_313_050n,
  utf16_decoding_byte: 163_577_493n,
  sha256_base: 4_540_970_250n,
  sha256_byte: 24_117_351n,
  keccak256_base: 5_879_491_275n,
  keccak256_byte: 21_471_105n,
  keccak512_base: 5_811_388_236n,
  keccak512_byte: 36_649_701n,
  ripemd160_base: 853_675_086n,
  ripemd160_block: 680_107_584n,
  ed25519_verify_base: 210_000_000_000n,
  ed25519_verify_byte: 9_000_000n,
  log_base: 3_543_313_050n,
  log_byte: 13_198_791n,
  storage_write_base: 64_196_736_000n,
  storage_write_key_byte: 70_482_867n,
  storage_write_value_byte: 31_018_539n,
  storage_write_evicted_byte: 32_117_307n,
  storage_read_base: 56_356_845_750n,
  storage_read_key_byte: 30_952_533n,
  storage_read_value_byte: 5_611_005n,
  storage_remove_base: 53_473_030_500n,
  storage_remove_key_byte: 38_220_384n,
  storage_remove_ret_value_byte: 11_531_556n,
  storage_has_key_base: 54_039_896_625n,
  storage_has_key_byte: 30_790_845n,
  promise_and_base: 1_465_013_400n,
  promise_and_per_promise: 5_452_176n,
  promise_return: 560_152_386n,
  validator_stake_base: 911_834_726_400n,
  validator_total_stake_base: 911_834_726_400n,
  yield_create_base: 153_411_779_276n,
  yield_create_byte: 15_643_988n,
  yield_resume_base: 1_195_627_285_210n,
  yield_resume_byte: 47_683_715n,
} as const;

/** An action's fee: `send` is burnt when the receipt is created, `exec` is reserved for its execution. */
export interface Fee {
  readonly send: bigint;
  readonly exec: bigint;
}

/** Receipt and action fees a contract pays when it creates promises (nearcore's `ActionCosts`). */
export const ACTION_FEES = {
  new_action_receipt: { send: 108_059_500_000n, exec: 108_059_500_000n },
  new_data_receipt_base: { send: 36_486_732_312n, exec: 36_486_732_312n },
  create_account: { send: 99_607_375_000n, exec: 99_607_375_000n },
  delete_account: { send: 147_489_000_000n, exec: 147_489_000_000n },
  deploy_contract_base: { send: 184_765_750_000n, exec: 184_765_750_000n },
  deploy_contract_byte: { send: 6_812_999n, exec: 6_812_999n },
  function_call_base: { send: 2_319_861_500_000n, exec: 2_319_861_500_000n },
  function_call_byte: { send: 2_235_934n, exec: 2_235_934n },
  transfer: { send: 115_123_062_500n, exec: 115_123_062_500n },
  stake: { send: 141_715_687_500n, exec: 102_217_625_000n },
  add_full_access_key: { send: 101_765_125_000n, exec: 101_765_125_000n },
  add_function_call_key_base: { send: 102_217_625_000n, exec: 102_217_625_000n },
  add_function_call_key_byte: { send: 1_925_331n, exec: 1_925_331n },
  delete_key: { send: 94_946_625_000n, exec: 94_946_625_000n },
} as const satisfies Record<string, Fee>;

/** nearcore's `LimitConfig` values that the host functions enforce. */
export const LIMITS = {
  max_register_size: 104_857_600n,
  max_number_registers: 100,
  registers_memory_limit: 1_073_741_824n,
  max_number_logs: 100,
  max_total_log_length: 16_384n,
  max_length_storage_key: 4_194_304n,
  max_length_storage_value: 4_194_304n,
  max_length_returned_data: 4_194_304n,
  max_contract_size: 4_194_304n,
  max_promises_per_function_call_action: 1_024,
  max_number_input_data_dependencies: 128,
  max_yield_payload_size: 1_024n,
  /** Bytes of overhead nearcore adds to `storage_usage` per stored key (`storage_num_extra_bytes_record`). */
  storage_num_extra_bytes_record: 40n,
} as const;

/** Linear-memory cap: nearcore's `max_memory_pages` (2048 × 64 KiB). */
export const DEFAULT_MAX_MEMORY_MB = 128;
/** The most a caller may allow (the whole wasm32 address space). */
export const MAX_MEMORY_MB = 4096;
