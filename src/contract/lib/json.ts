/**
 * JSON output for the contract's return values and events. Like JSON.stringify (no whitespace,
 * keys in insertion order), except that a bigint is written as bare digits: NEAR's u64 fields
 * (nanosecond timestamps, gas) exceed 2^53 and must not lose precision on the way out.
 * The byte codecs the contract needs are re-exported here so callers have one import.
 */
import { ContractError } from './errors.js';

export { utf8Decode, utf8Encode, utf8Length } from './utf8.js';
export { base64Decode, base64Encode, hexEncode } from './base64.js';

function hasToJson(value: object): value is { toJSON: (key: string) => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

// Returns undefined for values JSON.stringify omits (undefined, functions, symbols).
function write(value: unknown, key: string, stack: object[]): string | undefined {
  if (typeof value === 'object' && value !== null && hasToJson(value)) value = value.toJSON(key);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString(10);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  if (stack.includes(value)) throw new ContractError('cannot serialise a cyclic structure to JSON');
  stack.push(value);
  let out: string;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) parts.push(write(value[i], String(i), stack) ?? 'null');
    out = `[${parts.join(',')}]`;
  } else {
    const parts: string[] = [];
    for (const k of Object.keys(value)) {
      const v = write((value as Record<string, unknown>)[k], k, stack);
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${v}`);
    }
    out = `{${parts.join(',')}}`;
  }
  stack.pop();
  return out;
}

/**
 * JSON text of `value`, as JSON.stringify(value) would write it, but with bigints as bare
 * decimal digits. Top-level undefined/function/symbol give 'null' (the contract always returns
 * some JSON); cycles throw ContractError.
 *
 * @example toJson({ t: 1700000000000000000n, x: undefined }) // '{"t":1700000000000000000}'
 */
export function toJson(value: unknown): string {
  return write(value, '', []) ?? 'null';
}
