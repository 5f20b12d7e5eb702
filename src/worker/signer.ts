/**
 * The worker's ed25519 identity, kept in `<dataDir>/worker-key.json` (mode 0600). It signs each
 * result's attestation (src/contract/node/attest.ts); the coordinator and the contract check it.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58Decode, base58Encode } from '../chain/codec/encoding.js';
import { publicKeyString, signAttestation, type Attestation, type ResultFacts } from '../contract/node/attest.js';

export class WorkerSigner {
  readonly publicKey: string;
  readonly #secret: Uint8Array;

  constructor(secretKey: Uint8Array) {
    if (secretKey.length !== 32) throw new Error('an ed25519 secret key is 32 bytes');
    this.#secret = secretKey.slice();
    this.publicKey = publicKeyString(this.#secret);
  }

  static generate(): WorkerSigner {
    return new WorkerSigner(ed25519.utils.randomSecretKey());
  }

  /** Loads the key from `<dataDir>/worker-key.json`, creating it on first use. */
  static open(dataDir: string): WorkerSigner {
    const file = join(dataDir, 'worker-key.json');
    if (existsSync(file)) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { secret_key?: string };
      const bytes = stored.secret_key?.startsWith('ed25519:') ? base58Decode(stored.secret_key.slice(8)) : null;
      if (!bytes || bytes.length !== 32) throw new Error(`${file} holds no valid ed25519 secret key`);
      return new WorkerSigner(bytes);
    }
    const signer = WorkerSigner.generate();
    writeFileSync(file, `${JSON.stringify({ public_key: signer.publicKey, secret_key: `ed25519:${base58Encode(signer.#secret)}` }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return signer;
  }

  attest(contractId: string, codeHash: string, facts: ResultFacts): Attestation {
    return signAttestation(this.#secret, contractId, codeHash, facts);
  }
}
