/**
 * What a worker signs about one execution, shared by the contract (which rebuilds and checks it)
 * and the worker (which signs it): the UTF-8 bytes of
 *
 *     outlayer-result:v1|<contract id>|<request id>|<code hash>|<input hash>|<output hash>|<fuel>
 *
 * with lower-case hex sha256 hashes of the code the worker ran, the request's input_data as
 * UTF-8 ('' when none) and `outputDigestInput(output)`; fuel is `resources_used.instructions`.
 * The contract id stops a signature made for one deployment from being replayed on another.
 */
import { utf8Encode } from './utf8.js';

export interface AttestedFacts {
  requestId: number;
  codeHash: string;
  inputHash: string;
  outputHash: string;
  fuel: bigint;
}

export function attestationMessage(contractId: string, f: AttestedFacts): string {
  return `outlayer-result:v1|${contractId}|${f.requestId}|${f.codeHash}|${f.inputHash}|${f.outputHash}|${f.fuel}`;
}

/** An output as resolutions carry it (Bytes already decoded). */
export type OutputValue = { Text: string } | { Json: unknown } | { Bytes: Uint8Array };

/**
 * What the output hash is taken over: Text as its UTF-8, Json as the UTF-8 of its
 * `JSON.stringify` (key order as sent), Bytes as they are, no output as nothing. Strings are
 * returned for the hasher to encode as UTF-8.
 */
export function outputDigestInput(o: OutputValue | null): string | Uint8Array {
  if (!o) return '';
  if ('Text' in o) return o.Text;
  if ('Json' in o) return JSON.stringify(o.Json) ?? 'null';
  return o.Bytes;
}

/** The facts a worker signs about one execution, before hashing. */
export interface ResultFacts {
  requestId: number;
  /** The request's input_data ('' when none). */
  input: string;
  output: OutputValue | null;
  fuel: number | bigint;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * The exact bytes a worker signs, with the hashes taken by `sha256` (injected: this file runs in
 * the contract's realm, where hashing is `near.sha256`; Node and browsers pass @noble/hashes).
 * The one builder of the signed message, shared by the Node worker and the browser worker.
 */
export function attestationBytes(contractId: string, codeHash: string, f: ResultFacts, sha256: (data: Uint8Array) => Uint8Array): Uint8Array {
  const digest = outputDigestInput(f.output);
  return utf8Encode(
    attestationMessage(contractId, {
      requestId: f.requestId,
      codeHash,
      inputHash: hex(sha256(utf8Encode(f.input))),
      outputHash: hex(sha256(typeof digest === 'string' ? utf8Encode(digest) : digest)),
      fuel: BigInt(f.fuel),
    }),
  );
}
