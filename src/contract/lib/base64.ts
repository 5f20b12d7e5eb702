/**
 * Base64 and lowercase hex for the contract. Base64 is the chain codec's (src/chain/codec/
 * encoding.ts: standard alphabet, padding required, zero unused trailing bits — exactly as strict
 * as nearcore and near-sdk's Base64VecU8); decoding failures become ContractErrors here.
 */
import { base64Decode as decode, base64Encode } from '../../chain/codec/encoding.js';
import { ContractError, showValue } from './errors.js';

export { base64Encode };

/** The bytes of strict standard base64 `text`; throws ContractError('invalid base64: …'). */
export function base64Decode(text: string): Uint8Array {
  const r = decode(text);
  if (!r.ok) throw new ContractError(`invalid base64: ${r.error.message} in ${showValue(text)}`);
  return r.value;
}

/** Lower-case hex of `bytes`. */
export function hexEncode(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
