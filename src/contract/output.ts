/**
 * An execution's output as the operator reports it — the reference's serde enum
 * `{"Text": string} | {"Json": any} | {"Bytes": [u8…]}` (Bytes may also be a base64 string,
 * a third of the size in a 1024-byte resume payload) — and what the caller finally receives:
 * Text as a JSON string, Json as the value itself, Bytes as a base64 string.
 */
import { base64Decode, base64Encode } from '../chain/codec/encoding.js';
import { outputDigestInput } from './lib/attestation-message.js';
import { ContractError } from './lib/errors.js';
import { sha256Hex } from './near.js';

export type ExecutionOutput = { Text: string } | { Json: unknown } | { Bytes: Uint8Array };
/** As stored in `out:<id>` and resumed: Bytes as base64. */
export type WireOutput = { Text: string } | { Json: unknown } | { Bytes: string };

export function parseOutput(v: unknown, name = 'output'): ExecutionOutput | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new ContractError(`${name} must be {"Text": string}, {"Json": value} or {"Bytes": [bytes] | base64}`);
  const keys = Object.keys(v);
  if (keys.length !== 1) throw new ContractError(`${name} must have exactly one of Text, Json, Bytes (got ${keys.join(', ') || 'none'})`);
  const o = v as Record<string, unknown>;
  if ('Text' in o) {
    if (typeof o.Text !== 'string') throw new ContractError(`${name}.Text must be a string`);
    return { Text: o.Text };
  }
  if ('Json' in o) return { Json: o.Json };
  if ('Bytes' in o) {
    const b = o.Bytes;
    if (typeof b === 'string') {
      const d = base64Decode(b);
      if (!d.ok) throw new ContractError(`${name}.Bytes is not valid base64`);
      return { Bytes: d.value };
    }
    if (Array.isArray(b) && b.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) return { Bytes: Uint8Array.from(b as number[]) };
    throw new ContractError(`${name}.Bytes must be an array of bytes (0–255) or a base64 string`);
  }
  throw new ContractError(`${name} has an unknown variant '${keys[0]}' (expected Text, Json or Bytes)`);
}

export function toWire(o: ExecutionOutput): WireOutput {
  return 'Bytes' in o ? { Bytes: base64Encode(o.Bytes) } : o;
}

export function fromWire(w: WireOutput): ExecutionOutput {
  if (!('Bytes' in w)) return w;
  const d = base64Decode(w.Bytes);
  return { Bytes: d.ok ? d.value : new Uint8Array(0) };
}

/** What the caller of request_execution receives. */
export function resultValue(o: ExecutionOutput | null): unknown {
  if (!o) return null;
  if ('Text' in o) return o.Text;
  if ('Json' in o) return o.Json;
  return base64Encode(o.Bytes);
}

/** Hex sha256 of the output as attestations hash it (lib/attestation-message.ts). */
export function outputHashHex(o: ExecutionOutput | null): string {
  return sha256Hex(outputDigestInput(o));
}

/** A short description for logs: never the output itself beyond 100 characters. */
export function describeOutput(o: ExecutionOutput | null): string {
  if (!o) return 'none';
  if ('Bytes' in o) return `Bytes(${o.Bytes.length} bytes)`;
  const text = 'Text' in o ? o.Text : (JSON.stringify(o.Json) ?? 'null');
  return `${'Text' in o ? 'Text' : 'Json'}: ${text.length > 100 ? `${text.slice(0, 100)}…` : text}`;
}
