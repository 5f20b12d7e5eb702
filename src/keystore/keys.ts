/**
 * The keystore's X25519 keys, kept in `<dataDir>/keystore/keys.json` (directory 0700, file
 * 0600; a file readable by group or others is refused). Exactly one key is current: users seal
 * to it. Rotation adds a new current key and keeps the old ones for opening existing blobs until
 * the operator retires them; a retired key keeps its id and public key (so errors can say the
 * blob was sealed to a retired key) but its secret is erased from the file and memory.
 *
 * File: `{ "version": 1, "current": "<key_id>", "keys": [{ key_id, public_key, secret_key
 * (hex, null once retired), created_at (ISO), retired }] }`. Every write is atomic (temporary
 * file, fsync, rename).
 *
 * @example
 * using ring = KeyRing.open('/var/lib/outlayer');
 * const next = ring.rotate(); // publish next.public_key; later: ring.retire(oldKeyId)
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { x25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { OutlayerError } from '../errors.js';
import { keyIdOf, type KeystorePublicKey } from './seal.js';

export interface StoredKey {
  key_id: string;
  public_key: string;
  /** Hex secret key; null once the key is retired. */
  secret_key: string | null;
  created_at: string;
  retired: boolean;
}

interface KeyFile {
  version: 1;
  current: string;
  keys: StoredKey[];
}

function misconfigured(path: string, why: string): OutlayerError {
  return new OutlayerError('keystore_misconfigured', `keystore key file ${path}: ${why}`);
}

function newKey(): { stored: StoredKey; secret: Uint8Array } {
  const secret = x25519.utils.randomSecretKey();
  const pub = x25519.getPublicKey(secret);
  return {
    stored: { key_id: keyIdOf(pub), public_key: bytesToHex(pub), secret_key: null, created_at: new Date().toISOString(), retired: false },
    secret,
  };
}

/** The keystore's keys; holds secret key bytes in memory until disposed. */
export class KeyRing implements Disposable {
  readonly path: string;
  #current: string;
  #keys: StoredKey[]; // secret_key is never kept here in memory: see #secrets
  #secrets: Map<string, Uint8Array>;
  #disposed = false;

  private constructor(path: string, file: KeyFile, secrets: Map<string, Uint8Array>) {
    this.path = path;
    this.#current = file.current;
    this.#keys = file.keys.map((k) => ({ ...k, secret_key: null }));
    this.#secrets = secrets;
  }

  /** Opens (or creates, with one fresh key) `<dataDir>/keystore/keys.json`. */
  static open(dataDir: string): KeyRing {
    const dir = join(dataDir, 'keystore');
    const path = join(dir, 'keys.json');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!existsSync(path)) {
      const { stored, secret } = newKey();
      const ring = new KeyRing(path, { version: 1, current: stored.key_id, keys: [stored] }, new Map([[stored.key_id, secret]]));
      ring.#save();
      return ring;
    }
    const mode = statSync(path).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw misconfigured(path, `mode ${mode.toString(8).padStart(4, '0')} lets group/others read or write it; run \`chmod 600 ${path}\` (and check who has seen it)`);
    }
    let file: KeyFile;
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
    } catch (e) {
      throw misconfigured(path, `not readable JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    return new KeyRing(path, file, KeyRing.#check(path, file));
  }

  // Validates the file and returns the secret bytes of the live keys.
  static #check(path: string, file: KeyFile): Map<string, Uint8Array> {
    if (file?.version !== 1 || !Array.isArray(file.keys) || typeof file.current !== 'string') throw misconfigured(path, 'expected { version: 1, current, keys: [...] }');
    const secrets = new Map<string, Uint8Array>();
    for (const k of file.keys) {
      if (typeof k?.public_key !== 'string' || !/^[0-9a-f]{64}$/.test(k.public_key) || k.key_id !== keyIdOf(hexToBytes(k.public_key))) {
        throw misconfigured(path, `key ${JSON.stringify(k?.key_id)} has a malformed public key or key id`);
      }
      if (secrets.has(k.key_id) || file.keys.filter((o) => o.key_id === k.key_id).length > 1) throw misconfigured(path, `key ${k.key_id} appears twice`);
      if (k.retired) {
        if (k.secret_key !== null) throw misconfigured(path, `retired key ${k.key_id} still holds its secret`);
        continue;
      }
      if (typeof k.secret_key !== 'string' || !/^[0-9a-f]{64}$/.test(k.secret_key)) throw misconfigured(path, `key ${k.key_id} has a malformed secret key`);
      const secret = hexToBytes(k.secret_key);
      if (bytesToHex(x25519.getPublicKey(secret)) !== k.public_key) throw misconfigured(path, `key ${k.key_id}: secret and public key do not match`);
      secrets.set(k.key_id, secret);
    }
    if (!secrets.has(file.current)) throw misconfigured(path, `current key ${file.current} is missing or retired`);
    return secrets;
  }

  #live(): void {
    if (this.#disposed) throw new OutlayerError('internal', 'KeyRing used after dispose()');
  }

  #save(): void {
    const file: KeyFile = {
      version: 1,
      current: this.#current,
      keys: this.#keys.map((k) => ({ ...k, secret_key: k.retired ? null : bytesToHex(this.#secrets.get(k.key_id)!) })),
    };
    const tmp = `${this.path}.tmp-${process.pid}-${bytesToHex(randomBytes(4))}`;
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(fd);
    renameSync(tmp, this.path);
  }

  /** The key users seal to now. */
  current(): KeystorePublicKey {
    this.#live();
    const k = this.#keys.find((x) => x.key_id === this.#current)!;
    return { key_id: k.key_id, public_key: k.public_key };
  }

  /** All keys without their secrets (for operators: which ids exist, which are retired). */
  list(): Omit<StoredKey, 'secret_key'>[] {
    this.#live();
    return this.#keys.map(({ key_id, public_key, created_at, retired }) => ({ key_id, public_key, created_at, retired }));
  }

  /** Makes a fresh key current; older keys still open blobs sealed to them. */
  rotate(): KeystorePublicKey {
    this.#live();
    const { stored, secret } = newKey();
    this.#keys.push(stored);
    this.#secrets.set(stored.key_id, secret);
    const previous = this.#current;
    this.#current = stored.key_id;
    try {
      this.#save();
    } catch (e) {
      this.#keys.pop();
      this.#secrets.delete(stored.key_id);
      secret.fill(0);
      this.#current = previous;
      throw e;
    }
    return this.current();
  }

  /** Erases an old key's secret: blobs sealed to it can no longer be opened. Not the current key. */
  retire(keyId: string): void {
    this.#live();
    const k = this.#keys.find((x) => x.key_id === keyId);
    if (!k) throw new OutlayerError('usage', `no keystore key ${JSON.stringify(keyId)}`);
    if (keyId === this.#current) throw new OutlayerError('usage', `key ${keyId} is the current key; rotate() first, then retire it once nothing sealed to it is needed`);
    if (k.retired) return;
    k.retired = true;
    try {
      this.#save();
    } catch (e) {
      k.retired = false;
      throw e;
    }
    this.#secrets.get(keyId)!.fill(0);
    this.#secrets.delete(keyId);
  }

  /**
   * A copy of the secret key for `keyId`, which the caller zeroes after use. Throws
   * `secrets_decrypt_failed` for unknown or retired keys, naming the current key to re-seal to.
   */
  secretFor(keyId: string): Uint8Array {
    this.#live();
    const k = this.#keys.find((x) => x.key_id === keyId);
    if (!k) throw new OutlayerError('secrets_decrypt_failed', `sealed to key ${keyId}, which this keystore does not have; re-seal to the current key ${this.#current}`);
    if (k.retired) throw new OutlayerError('secrets_decrypt_failed', `sealed to key ${keyId}, which this keystore has retired; re-seal to the current key ${this.#current}`);
    return this.#secrets.get(keyId)!.slice();
  }

  /** Zeroes every secret key held in memory. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const s of this.#secrets.values()) s.fill(0);
    this.#secrets.clear();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
