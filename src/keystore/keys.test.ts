import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OutlayerError } from '../errors.js';
import { KeyRing } from './keys.js';
import { openSealed, sealSecrets, type SecretLocation } from './seal.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'outlayer-keys-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const here: SecretLocation = { owner: 'alice.near', repo: 'https://github.com/alice/app', branch: null, profile: 'default' };
const failsWith = (code: string, re?: RegExp) => (e: unknown) => e instanceof OutlayerError && e.code === code && (re === undefined || re.test(e.message));
const open = (ring: KeyRing, sealed: string, keyId: string): Record<string, string> => {
  const sk = ring.secretFor(keyId);
  try {
    return openSealed(sk, here, sealed);
  } finally {
    sk.fill(0);
  }
};

describe('KeyRing', () => {
  it('creates keys.json 0600 in a 0700 directory, and reopens the same key', () => {
    const dataDir = tempDir();
    let first;
    {
      using ring = KeyRing.open(dataDir);
      first = ring.current();
      assert.match(first.key_id, /^[0-9a-f]{16}$/);
      assert.match(first.public_key, /^[0-9a-f]{64}$/);
    }
    assert.equal(statSync(join(dataDir, 'keystore')).mode & 0o777, 0o700);
    assert.equal(statSync(join(dataDir, 'keystore', 'keys.json')).mode & 0o777, 0o600);
    using again = KeyRing.open(dataDir);
    assert.deepEqual(again.current(), first);
  });

  it('refuses a key file readable by group or others', () => {
    const dataDir = tempDir();
    KeyRing.open(dataDir).dispose();
    const path = join(dataDir, 'keystore', 'keys.json');
    for (const mode of [0o644, 0o640, 0o604]) {
      chmodSync(path, mode);
      assert.throws(() => KeyRing.open(dataDir), failsWith('keystore_misconfigured', new RegExp(`mode 0${mode.toString(8)}.*chmod 600`)));
    }
  });

  it('refuses a malformed key file', () => {
    const dataDir = tempDir();
    KeyRing.open(dataDir).dispose();
    const path = join(dataDir, 'keystore', 'keys.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.keys[0].secret_key = '00'.repeat(32);
    writeFileSync(path, JSON.stringify(file), { mode: 0o600 });
    assert.throws(() => KeyRing.open(dataDir), failsWith('keystore_misconfigured', /do not match/));
    writeFileSync(path, '{', { mode: 0o600 });
    assert.throws(() => KeyRing.open(dataDir), failsWith('keystore_misconfigured', /not readable JSON/));
  });

  it('rotation: old blobs still open, new seals name the new key, retiring the old key refuses its blobs clearly', () => {
    const dataDir = tempDir();
    using ring = KeyRing.open(dataDir);
    const oldKey = ring.current();
    const oldBlob = sealSecrets(oldKey, here, { A: 'old' });
    const newKey = ring.rotate();
    assert.notEqual(newKey.key_id, oldKey.key_id);
    assert.deepEqual(ring.current(), newKey);
    assert.deepEqual(open(ring, oldBlob, oldKey.key_id), { A: 'old' });
    const newBlob = sealSecrets(ring.current(), here, { A: 'new' });
    assert.equal(Buffer.from(newBlob, 'base64').subarray(1, 9).toString('hex'), newKey.key_id);
    assert.deepEqual(open(ring, newBlob, newKey.key_id), { A: 'new' });

    assert.throws(() => ring.retire(newKey.key_id), failsWith('usage', /current key/));
    ring.retire(oldKey.key_id);
    assert.throws(() => ring.secretFor(oldKey.key_id), failsWith('secrets_decrypt_failed', new RegExp(`${oldKey.key_id}, which this keystore has retired; re-seal to the current key ${newKey.key_id}`)));
    assert.throws(() => ring.secretFor('0123456789abcdef'), failsWith('secrets_decrypt_failed', /does not have/));
    assert.throws(() => ring.retire('0123456789abcdef'), failsWith('usage', /no keystore key/));

    // Persisted: the retired key's secret is gone from the file; no temporary files are left.
    const file = JSON.parse(readFileSync(join(dataDir, 'keystore', 'keys.json'), 'utf8'));
    assert.equal(file.current, newKey.key_id);
    assert.deepEqual(file.keys.map((k: { retired: boolean; secret_key: string | null }) => [k.retired, k.secret_key === null]), [[true, true], [false, false]]);
    assert.deepEqual(readdirSync(join(dataDir, 'keystore')), ['keys.json']);
    assert.equal(statSync(join(dataDir, 'keystore', 'keys.json')).mode & 0o777, 0o600);
    using reopened = KeyRing.open(dataDir);
    assert.deepEqual(reopened.current(), newKey);
    assert.equal(reopened.list().length, 2);
    assert.throws(() => reopened.secretFor(oldKey.key_id), failsWith('secrets_decrypt_failed', /retired/));
  });

  it('secretFor hands out a copy; dispose zeroes and disables the ring', () => {
    const ring = KeyRing.open(tempDir());
    const id = ring.current().key_id;
    const copy = ring.secretFor(id);
    copy.fill(0);
    assert.notDeepEqual(ring.secretFor(id), copy);
    ring.dispose();
    assert.throws(() => ring.current(), failsWith('internal', /after dispose/));
  });
});
