/**
 * Bearer tokens and API keys are stored only as sha256 digests: a leaked database file does not
 * give anyone a usable credential. `hashSecret` is the only way to make a `SecretHash`.
 *
 * @example
 * const token = newSecret('olw');            // give to the worker once
 * await storage.registerWorker({ ..., token_hash: hashSecret(token) });
 * await storage.findWorkerByToken(hashSecret(bearer));
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SecretHash } from './types.js';

export function hashSecret(raw: string): SecretHash {
  return createHash('sha256').update(raw, 'utf8').digest('hex') as SecretHash;
}

/** A fresh random secret (256 bits, base64url) with a readable prefix, e.g. `olw_…`. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}
