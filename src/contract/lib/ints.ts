/**
 * Unsigned integers from JSON call arguments. NEAR serialises u64/u128 as decimal strings
 * (`U64`, `U128`) because JSON numbers lose precision above 2^53, so the parsers accept safe
 * integer numbers and/or strings of decimal digits, never floats, signs, hex or exponents.
 */
import { ContractError, showValue, typeName } from './errors.js';

/** 2^64 − 1, the largest NEAR u64. */
export const U64_MAX = (1n << 64n) - 1n;
/** 2^128 − 1, the largest NEAR u128 (balances in yoctoNEAR). */
export const U128_MAX = (1n << 128n) - 1n;

const DIGITS = /^[0-9]+$/;

function tooLarge(field: string, value: string, max: bigint): never {
  throw new ContractError(`${field} must be at most ${max}, got ${showValue(value)}`);
}

/**
 * A non-negative integer given as a safe-integer number or a decimal string, at most `max`.
 * `field` names the argument in messages, e.g. `resource_limits.max_instructions`.
 */
export function parseUint(value: unknown, field: string, max: bigint = U64_MAX): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ContractError(`${field} must be a non-negative integer (a safe integer number or a decimal string), got ${showValue(value)}`);
    }
    const n = BigInt(value);
    if (n > max) tooLarge(field, String(value), max);
    return n;
  }
  if (typeof value === 'string') return parseDecimalString(value, field, max);
  throw new ContractError(`${field} must be a non-negative integer (a number or a decimal string), got ${typeName(value)} ${showValue(value)}`);
}

/** A decimal string of digits only (as NEAR's U64/U128 JSON), at most `max`. */
export function parseDecimalString(value: unknown, field: string, max: bigint = U128_MAX): bigint {
  if (typeof value !== 'string') {
    throw new ContractError(`${field} must be a decimal string, got ${typeName(value)} ${showValue(value)}`);
  }
  if (!DIGITS.test(value)) {
    throw new ContractError(`${field} must be a string of decimal digits, got ${showValue(value)}`);
  }
  // a length cut first keeps BigInt() away from megabyte-long digit strings
  if (value.replace(/^0+/, '').length > max.toString().length) tooLarge(field, value, max);
  const n = BigInt(value);
  if (n > max) tooLarge(field, value, max);
  return n;
}
