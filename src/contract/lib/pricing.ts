/**
 * What an execution costs, in yoctoNEAR. The caller pays an estimate up front (from the limits
 * they requested); on resolution the contract charges the actual usage, never more than was
 * paid, and refunds the rest. A failed execution keeps only the base fee.
 */
import { expectObject, own, rejectUnknownKeys } from './args.js';
import { ContractError } from './errors.js';
import { parseDecimalString, parseUint, U128_MAX, U64_MAX } from './ints.js';
import type { ResolvedLimits } from './limits.js';

/** Fees in yoctoNEAR. */
export interface Pricing {
  base_fee: bigint;
  per_million_instructions_fee: bigint;
  per_ms_fee: bigint;
  per_compile_ms_fee: bigint;
}

/** 0.001 NEAR base, 10^14 per million instructions, 10^17 per ms of execution or compilation. */
export const DEFAULT_PRICING: Readonly<Pricing> = Object.freeze({
  base_fee: 10n ** 21n,
  per_million_instructions_fee: 10n ** 14n,
  per_ms_fee: 10n ** 17n,
  per_compile_ms_fee: 10n ** 17n,
});

/** What a worker reports it used. `compile_time_ms` is null when nothing was compiled. */
export interface ResourcesUsed {
  instructions: bigint;
  time_ms: bigint;
  compile_time_ms: bigint | null;
}

const MILLION = 1_000_000n;

/** The up-front price for `limits`: base + whole millions of instructions + every ms of the time limit (compilation is not estimated). */
export function estimateCost(p: Pricing, limits: ResolvedLimits): bigint {
  return p.base_fee + (limits.max_instructions / MILLION) * p.per_million_instructions_fee + limits.max_execution_seconds * 1000n * p.per_ms_fee;
}

/** The actual cost of `used`: base + whole millions of instructions + execution ms + compile ms. */
export function executionCost(p: Pricing, used: ResourcesUsed): bigint {
  return (
    p.base_fee +
    (used.instructions / MILLION) * p.per_million_instructions_fee +
    used.time_ms * p.per_ms_fee +
    (used.compile_time_ms ?? 0n) * p.per_compile_ms_fee
  );
}

/** The outcome of an execution as far as billing is concerned. */
export type SettleOutcome = { success: true; used: ResourcesUsed } | { success: false };

/**
 * Splits `payment` into what is kept and what is refunded: success charges the execution cost,
 * failure only the base fee, both capped at the payment.
 */
export function settle(p: Pricing, payment: bigint, outcome: SettleOutcome): { charged: bigint; refunded: bigint } {
  if (payment < 0n) throw new ContractError(`payment must not be negative, got ${payment}`);
  const cost = outcome.success ? executionCost(p, outcome.used) : p.base_fee;
  const charged = cost < payment ? cost : payment;
  return { charged, refunded: payment - charged };
}

const PRICING_FIELDS = ['base_fee', 'per_million_instructions_fee', 'per_ms_fee', 'per_compile_ms_fee'] as const;

/**
 * The fields `set_pricing` changes: each optional, a U128 decimal string (numbers are rejected,
 * as NEAR's U128 JSON is a string); null means "leave unchanged". Unknown fields are rejected.
 */
export function parsePricingUpdate(input: unknown): Partial<Pricing> {
  const obj = expectObject(input, 'set_pricing arguments');
  rejectUnknownKeys(obj, PRICING_FIELDS, 'set_pricing');
  const update: Partial<Pricing> = {};
  for (const name of PRICING_FIELDS) {
    const raw = own(obj, name);
    if (raw === undefined || raw === null) continue;
    update[name] = parseDecimalString(raw, name, U128_MAX);
  }
  return update;
}

/** Pricing as the reference's `get_pricing` tuple `[base, per_million_instructions, per_ms, per_compile_ms]` of U128 strings. */
export function pricingToJson(p: Pricing): [string, string, string, string] {
  return [p.base_fee.toString(), p.per_million_instructions_fee.toString(), p.per_ms_fee.toString(), p.per_compile_ms_fee.toString()];
}

/** Usage reported by a worker: `{instructions, time_ms, compile_time_ms?}` as u64 numbers or decimal strings. */
export function parseResourcesUsed(input: unknown): ResourcesUsed {
  const obj = expectObject(input, 'resources_used');
  rejectUnknownKeys(obj, ['instructions', 'time_ms', 'compile_time_ms'], 'resources_used');
  const required = (name: string): bigint => {
    const raw = own(obj, name);
    if (raw === undefined || raw === null) throw new ContractError(`resources_used.${name} is required`);
    return parseUint(raw, `resources_used.${name}`, U64_MAX);
  };
  const compile = own(obj, 'compile_time_ms');
  return {
    instructions: required('instructions'),
    time_ms: required('time_ms'),
    compile_time_ms: compile === undefined || compile === null ? null : parseUint(compile, 'resources_used.compile_time_ms', U64_MAX),
  };
}
