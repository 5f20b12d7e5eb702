/**
 * Shared checks for JSON call arguments: plain objects only, unknown keys rejected (a typo in a
 * field name must fail loudly instead of silently falling back to a default).
 */
import { ContractError, showValue, typeName } from './errors.js';

/** A JSON object as parsed from call arguments. */
export type JsonObject = Record<string, unknown>;

/** True for non-null, non-array objects. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as an object, or a ContractError saying what `what` should have been. */
export function expectObject(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw new ContractError(`${what} must be an object, got ${typeName(value)} ${showValue(value)}`);
  return value;
}

/** Throws a ContractError naming the first own key of `obj` not in `allowed`. */
export function rejectUnknownKeys(obj: JsonObject, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ContractError(`unknown ${what} field ${showValue(key)} (expected one of: ${allowed.join(', ')})`);
    }
  }
}

/** The value of an own property, `undefined` when absent (never reads the prototype chain). */
export function own(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}
