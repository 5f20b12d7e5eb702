/**
 * Checks a method's JSON arguments: an object with known keys only (unknown keys are refused,
 * as serde with `deny_unknown_fields` would — a misspelt `resource_limit` must not silently fall
 * back to the defaults), and typed fields with clear messages.
 */
import { validateAccountId } from '../chain/codec/account-id.js';
import { ContractError } from './lib/errors.js';

export type Args = Record<string, unknown>;

const show = (v: unknown): string => {
  const text = typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
};

/** `input` as an object with only `allowed` keys and every `required` one present (not null). */
export function argsOf(input: unknown, method: string, allowed: readonly string[], required: readonly string[] = []): Args {
  const args = input === undefined || input === null ? {} : input;
  if (typeof args !== 'object' || Array.isArray(args)) throw new ContractError(`${method}: arguments must be a JSON object`);
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) throw new ContractError(`${method}: unknown argument '${key}' (expected ${allowed.join(', ')})`);
  }
  for (const key of required) {
    const v = (args as Args)[key];
    if (v === undefined || v === null) throw new ContractError(`${method}: missing argument '${key}'`);
  }
  return args as Args;
}

/** A u64 id or count: a non-negative safe integer, as a JSON number or a decimal string. */
export function u64Arg(v: unknown, name: string): number {
  const n = typeof v === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ContractError(`${name} must be a non-negative integer, got ${show(v)}`);
  return n;
}

/** A valid NEAR account id. */
export function accountIdArg(v: unknown, name: string): string {
  if (typeof v !== 'string') throw new ContractError(`${name} must be an account id string, got ${show(v)}`);
  const e = validateAccountId(v);
  if (e) throw new ContractError(`${name} ${show(v)} is not a valid account id: ${e.message}`);
  return v;
}

/** A string of at most `max` UTF-16 units, or null when absent. */
export function optionalString(v: unknown, name: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ContractError(`${name} must be a string, got ${show(v)}`);
  if (v.length > max) throw new ContractError(`${name} is too long (${v.length} > ${max} characters)`);
  return v;
}

export function boolArg(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new ContractError(`${name} must be true or false, got ${show(v)}`);
  return v;
}

/** A U128 amount: a decimal string (NEAR's JSON convention for u128). */
export function u128Arg(v: unknown, name: string): bigint {
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,38})$/.test(v) || BigInt(v) >= 1n << 128n) {
    throw new ContractError(`${name} must be a yoctoNEAR amount as a decimal string, got ${show(v)}`);
  }
  return BigInt(v);
}
