/**
 * JSON for record bodies, extended with the two types the chain is full of: bigint (u128
 * amounts, gas) as `{"$n":"<decimal>"}` and Uint8Array as `{"$b":"<base64>"}`. Object keys
 * starting with `$` are escaped by doubling the `$`, so no user object can pass for a tag.
 *
 * Strict, so that a body the SQLite store cannot keep fails the same way in the memory store:
 * only plain objects, arrays, strings, finite numbers, booleans, null, bigint and Uint8Array.
 * `undefined` object properties are dropped (as by JSON); anything else throws a TypeError.
 *
 * @example
 * decodeStored(encodeStored({ deposit: 10n ** 30n, args: new Uint8Array([1]) }));
 * // → { deposit: 1000000000000000000000000000000n, args: Uint8Array [1] }
 */
import { base64Decode, base64Encode } from '../codec/encoding.js';

function fail(path: string, what: string): never {
  throw new TypeError(`cannot store ${what} at ${path || '(root)'}`);
}

function toJson(value: unknown, path: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : fail(path, String(value));
    case 'bigint':
      return { $n: value.toString() };
    case 'object': {
      if (value === null) return null;
      if (value instanceof Uint8Array) return { $b: base64Encode(value) };
      if (Array.isArray(value)) return value.map((v, i) => (v === undefined ? fail(`${path}[${i}]`, 'undefined') : toJson(v, `${path}[${i}]`)));
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) fail(path, `a ${(value as object).constructor?.name ?? 'non-plain'} object`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        out[k.startsWith('$') ? `$${k}` : k] = toJson(v, `${path}.${k}`);
      }
      return out;
    }
    default:
      return fail(path, typeof value);
  }
}

function fromJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(fromJson);
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    if (keys[0] === '$n') return BigInt(obj.$n as string);
    if (keys[0] === '$b') {
      const bytes = base64Decode(obj.$b as string);
      if (!bytes.ok) throw new TypeError(`corrupt stored bytes: ${bytes.error.message}`);
      return bytes.value;
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k.startsWith('$$') ? k.slice(1) : k] = fromJson(obj[k]);
  return out;
}

export function encodeStored(value: unknown): string {
  return JSON.stringify(toJson(value, ''));
}

export function decodeStored(text: string): unknown {
  return fromJson(JSON.parse(text));
}
