/**
 * The two text encodings NEAR uses on the wire: base58 (Bitcoin alphabet) for keys, signatures
 * and hashes, and padded standard base64 for transactions, args and state.
 *
 * Written here rather than taken from a library so that decoding is exactly as strict as
 * nearcore (the `base64` crate's canonical STANDARD engine: padding required, no whitespace,
 * zero trailing bits) and the error messages match the ones nearcore puts into PARSE_ERROR.
 * Runs unchanged in Node and in browsers.
 */
import { err, ok, type DecodeError, type Result } from './result.js';

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const B58_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B58.length; i++) B58_INDEX[B58.charCodeAt(i)] = i;
const B58_LIMB = 58 ** 5;

/** Base58 of `bytes`; each leading zero byte becomes a leading '1', as in Bitcoin and NEAR. */
export function base58Encode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Little-endian limbs in base 58^5 (< 2^30, so limb * 256 + carry stays an exact double):
  // a fifth of the inner-loop steps of digit-at-a-time conversion.
  const limbs: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < limbs.length; j++) {
      const x = limbs[j]! * 256 + carry;
      carry = Math.floor(x / B58_LIMB);
      limbs[j] = x - carry * B58_LIMB;
    }
    while (carry > 0) {
      const q = Math.floor(carry / B58_LIMB);
      limbs.push(carry - q * B58_LIMB);
      carry = q;
    }
  }
  let digits = '';
  for (let j = limbs.length - 1; j >= 0; j--) {
    let limb = limbs[j]!;
    let part = '';
    for (let k = 0; k < 5; k++) {
      const q = Math.floor(limb / 58);
      part = B58[limb - q * 58]! + part;
      limb = q;
    }
    digits += part;
  }
  let lead = 0; // the top limb's leading zero digits are not digits of the number
  while (lead < digits.length && digits.charCodeAt(lead) === 49 /* '1' */) lead++;
  return '1'.repeat(zeros) + digits.slice(lead);
}

/** The bytes of a base58 string, or null when it holds a character outside the alphabet. */
export function base58Decode(text: string): Uint8Array | null {
  let zeros = 0;
  while (zeros < text.length && text.charCodeAt(zeros) === 49 /* '1' */) zeros++;
  const bytes: number[] = []; // little-endian base-256 digits
  for (let i = zeros; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let carry = code < 128 ? B58_INDEX[code]! : -1;
    if (carry < 0) return null;
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  const out = new Uint8Array(zeros + bytes.length);
  for (let j = 0; j < bytes.length; j++) out[out.length - 1 - j] = bytes[j]!;
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Padded standard base64 of `bytes`. */
export function base64Encode(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    chunk += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    chunk += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  parts.push(chunk);
  return parts.join('');
}

function base64Error(message: string, offset: number): { ok: false; error: DecodeError } {
  return err({ code: 'invalid_base64', message, offset });
}

/**
 * Decodes canonical padded standard base64, as nearcore's `serde_with::base64::Base64` does.
 * Messages are the `base64` crate's ("Invalid symbol 33, offset 4.").
 */
export function base64Decode(text: string): Result<Uint8Array, DecodeError> {
  const n = text.length;
  if (n % 4 === 1) return base64Error('Invalid input length.', n);
  if (n % 4 !== 0) return base64Error('Invalid padding.', n);
  let pad = 0;
  if (n > 0 && text.charCodeAt(n - 1) === 61 /* '=' */) pad = text.charCodeAt(n - 2) === 61 ? 2 : 1;
  const body = n - pad;
  const out = new Uint8Array((n / 4) * 3 - pad);
  let o = 0;
  let acc = 0;
  for (let i = 0; i < body; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? B64_INDEX[code]! : -1;
    if (v < 0) return base64Error(`Invalid symbol ${code}, offset ${i}.`, i);
    acc = (acc << 6) | v;
    if ((i & 3) === 3) {
      out[o++] = acc >> 16;
      out[o++] = (acc >> 8) & 0xff;
      out[o++] = acc & 0xff;
      acc = 0;
    }
  }
  if (pad > 0) {
    const last = body - 1;
    // Canonical encodings leave the bits below the last whole byte at zero.
    if ((pad === 1 && (acc & 0x3) !== 0) || (pad === 2 && (acc & 0xf) !== 0)) {
      return base64Error(`Invalid last symbol ${text.charCodeAt(last)}, offset ${last}.`, last);
    }
    if (pad === 1) {
      out[o++] = acc >> 10;
      out[o++] = (acc >> 2) & 0xff;
    } else {
      out[o++] = acc >> 4;
    }
  }
  return ok(out);
}
