/**
 * Resource limits a caller may request for one execution. Absent fields take safe defaults;
 * requests above the hard caps are rejected rather than clamped, so a caller never pays for
 * (or expects) more than the workers will actually grant.
 */
import { expectObject, own, rejectUnknownKeys } from './args.js';
import { ContractError } from './errors.js';
import { parseUint } from './ints.js';

/** Hard cap on instructions (fuel) for one execution. */
export const MAX_INSTRUCTIONS = 500_000_000_000n;
/** Hard cap on wall-clock execution time. */
export const MAX_EXECUTION_SECONDS = 180n;
/** Hard cap on compiling a repository before execution. */
export const MAX_COMPILATION_SECONDS = 300n;
/** Hard cap on guest memory, in MiB. */
export const MAX_MEMORY_MB = 4096;

/** Limits after defaults and caps are applied. */
export interface ResolvedLimits {
  max_instructions: bigint;
  max_memory_mb: number;
  max_execution_seconds: bigint;
}

/** The limits used for every field the caller leaves out. */
export const DEFAULT_LIMITS: Readonly<ResolvedLimits> = Object.freeze({
  max_instructions: 1_000_000_000n,
  max_memory_mb: 128,
  max_execution_seconds: 60n,
});

const FIELDS = ['max_instructions', 'max_memory_mb', 'max_execution_seconds'] as const;

function field(obj: Record<string, unknown>, name: (typeof FIELDS)[number], cap: bigint, unit: string): bigint | null {
  const raw = own(obj, name);
  if (raw === undefined || raw === null) return null;
  // parse against u64 first so the cap message below can quote any in-range request
  const value = parseUint(raw, `resource_limits.${name}`);
  if (value < 1n) throw new ContractError(`resource_limits.${name} must be at least 1, got ${value}`);
  if (value > cap) throw new ContractError(`Requested ${name} ${value} exceeds hard limit of ${cap}${unit}`);
  return value;
}

/**
 * Validated limits from the `resource_limits` argument: null/undefined → {@link DEFAULT_LIMITS};
 * otherwise an object with optional `max_instructions`, `max_memory_mb`, `max_execution_seconds`
 * (safe integer numbers or decimal strings, ≥ 1, within the hard caps). Unknown fields are rejected.
 */
export function resolveLimits(input: unknown): ResolvedLimits {
  if (input === null || input === undefined) return { ...DEFAULT_LIMITS };
  const obj = expectObject(input, 'resource_limits');
  rejectUnknownKeys(obj, FIELDS, 'resource_limits');
  const instructions = field(obj, 'max_instructions', MAX_INSTRUCTIONS, '');
  const memory = field(obj, 'max_memory_mb', BigInt(MAX_MEMORY_MB), '');
  const seconds = field(obj, 'max_execution_seconds', MAX_EXECUTION_SECONDS, ' seconds');
  return {
    max_instructions: instructions ?? DEFAULT_LIMITS.max_instructions,
    max_memory_mb: memory === null ? DEFAULT_LIMITS.max_memory_mb : Number(memory),
    max_execution_seconds: seconds ?? DEFAULT_LIMITS.max_execution_seconds,
  };
}

/** Limits as plain JSON numbers (all within the safe-integer range by the caps). */
export function limitsToJson(l: ResolvedLimits): { max_instructions: number; max_memory_mb: number; max_execution_seconds: number } {
  return {
    max_instructions: Number(l.max_instructions),
    max_memory_mb: l.max_memory_mb,
    max_execution_seconds: Number(l.max_execution_seconds),
  };
}
