// Transactions built and signed by near-api-js 7.2.0 itself must decode field for field and
// verify; anything malformed must come back as a typed error, never an exception.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { KeyPair, KeyPairSigner, actions, buildDelegateAction, createTransaction, encodeTransaction } from 'near-api-js';
import { base58Encode, base64Encode } from './encoding.js';
import { parseKeyPair, publicKeyToString, signatureToString, verifySignature } from './keys.js';
import { decodeSignedTransaction, decodeSignedTransactionBase64, verifyTransactionSignature, type SignedTransaction } from './transaction.js';
import type { DecodeErrorCode } from './result.js';
import { firstUnsupportedAction } from './actions.js';

const blockHash = sha256(new TextEncoder().encode('block 7'));
const signerKey = KeyPair.fromRandom('ed25519');
const signer = new KeyPairSigner(signerKey);
const otherKey = KeyPair.fromRandom('ed25519').getPublicKey();

async function signed(
  nearActions: Parameters<typeof createTransaction>[4],
  opts: { signerId?: string; receiverId?: string; nonce?: bigint } = {},
): Promise<{ bytes: Uint8Array; txHash: Uint8Array }> {
  const tx = createTransaction(opts.signerId ?? 'alice.test.near', signerKey.getPublicKey(), opts.receiverId ?? 'bob.test.near', opts.nonce ?? 42n, nearActions, blockHash);
  const { txHash, signedTransaction } = await signer.signTransaction(tx);
  return { bytes: encodeTransaction(signedTransaction), txHash };
}

function decodeOk(bytes: Uint8Array): SignedTransaction {
  const r = decodeSignedTransaction(bytes);
  if (!r.ok) assert.fail(`decode failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

function decodeErr(bytes: Uint8Array, code: DecodeErrorCode): string {
  const r = decodeSignedTransaction(bytes);
  assert.equal(r.ok, false, 'expected a decode error');
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.error.code, code, r.error.message);
  return r.error.message;
}

describe('decodeSignedTransaction with near-api-js 7.2.0 transactions', () => {
  it('reads the envelope back and verifies the signature over the same hash near-api-js signed', async () => {
    const { bytes, txHash } = await signed([actions.transfer(10n ** 24n)], { nonce: 2n ** 60n + 5n });
    const stx = decodeOk(bytes);
    const tx = stx.transaction;
    assert.equal(tx.signerId, 'alice.test.near');
    assert.equal(tx.receiverId, 'bob.test.near');
    assert.equal(tx.nonce, 2n ** 60n + 5n);
    assert.equal(publicKeyToString(tx.publicKey), signerKey.getPublicKey().toString());
    assert.deepEqual(tx.blockHash, blockHash);
    assert.deepEqual(tx.actions, [{ type: 'Transfer', deposit: 10n ** 24n }]);
    assert.deepEqual(stx.hashBytes, txHash);
    assert.equal(stx.hash, base58Encode(txHash));
    assert.equal(stx.size, bytes.length);
    assert.equal(stx.signature.keyType, 'ed25519');
    assert.ok(verifyTransactionSignature(stx));
    // The signature near-api-js made is checkable with near-api-js's own key too.
    assert.ok(signerKey.verify(stx.hashBytes, stx.signature.data));
  });

  it('decodes every action kind near-api-js 7.2 can build', async () => {
    const code = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const { bytes } = await signed([
      actions.createAccount(),
      actions.deployContract(code),
      actions.functionCall('set_greeting', { greeting: 'hi' }, 30_000_000_000_000n, 1n),
      actions.functionCall('raw', new Uint8Array([1, 2, 3]), 1n, 0n),
      actions.transfer(123n),
      actions.stake(2n ** 100n, otherKey),
      actions.addFullAccessKey(otherKey),
      actions.addFunctionCallAccessKey(otherKey, 'contract.test.near', ['a', 'b'], 250n),
      actions.addFunctionCallAccessKey(otherKey, 'contract.test.near', []),
      actions.deleteKey(otherKey),
      actions.deleteAccount('beneficiary.test.near'),
      actions.deployGlobalContract(code, 'codeHash'),
      actions.deployGlobalContract(code, 'accountId'),
      actions.useGlobalContract({ accountId: 'global.test.near' }),
      actions.useGlobalContract({ codeHash: blockHash }),
    ]);
    const stx = decodeOk(bytes);
    assert.ok(verifyTransactionSignature(stx));
    const other = { keyType: 'ed25519', data: otherKey.data };
    assert.deepEqual(stx.transaction.actions, [
      { type: 'CreateAccount' },
      { type: 'DeployContract', code },
      { type: 'FunctionCall', methodName: 'set_greeting', args: new TextEncoder().encode('{"greeting":"hi"}'), gas: 30_000_000_000_000n, deposit: 1n },
      { type: 'FunctionCall', methodName: 'raw', args: new Uint8Array([1, 2, 3]), gas: 1n, deposit: 0n },
      { type: 'Transfer', deposit: 123n },
      { type: 'Stake', stake: 2n ** 100n, publicKey: other },
      { type: 'AddKey', publicKey: other, accessKey: { nonce: 0n, permission: { kind: 'FullAccess' } } },
      {
        type: 'AddKey',
        publicKey: other,
        accessKey: { nonce: 0n, permission: { kind: 'FunctionCall', allowance: 250n, receiverId: 'contract.test.near', methodNames: ['a', 'b'] } },
      },
      {
        type: 'AddKey',
        publicKey: other,
        accessKey: { nonce: 0n, permission: { kind: 'FunctionCall', allowance: null, receiverId: 'contract.test.near', methodNames: [] } },
      },
      { type: 'DeleteKey', publicKey: other },
      { type: 'DeleteAccount', beneficiaryId: 'beneficiary.test.near' },
      { type: 'DeployGlobalContract', code, deployMode: 'CodeHash' },
      { type: 'DeployGlobalContract', code, deployMode: 'AccountId' },
      { type: 'UseGlobalContract', contractIdentifier: { kind: 'AccountId', accountId: 'global.test.near' } },
      { type: 'UseGlobalContract', contractIdentifier: { kind: 'CodeHash', hash: blockHash } },
    ]);
    assert.deepEqual(firstUnsupportedAction(stx.transaction.actions), { index: 11, type: 'DeployGlobalContract' });
  });

  it('decodes a signed delegate (meta-transaction) and flags it unsupported', async () => {
    const delegateAction = buildDelegateAction({
      senderId: 'alice.test.near',
      receiverId: 'contract.test.near',
      actions: [actions.functionCall('go', {}, 5n, 0n)],
      nonce: 9n,
      maxBlockHeight: 1000n,
      publicKey: signerKey.getPublicKey(),
    });
    const { signedDelegate, delegateHash } = await signer.signDelegateAction(delegateAction);
    const { bytes } = await signed([actions.signedDelegate(signedDelegate)], { signerId: 'relayer.test.near', receiverId: 'alice.test.near' });
    const stx = decodeOk(bytes);
    const action = stx.transaction.actions[0]!;
    assert.equal(action.type, 'Delegate');
    if (action.type !== 'Delegate') return;
    assert.equal(action.delegateAction.senderId, 'alice.test.near');
    assert.equal(action.delegateAction.receiverId, 'contract.test.near');
    assert.equal(action.delegateAction.nonce, 9n);
    assert.equal(action.delegateAction.maxBlockHeight, 1000n);
    assert.deepEqual(action.delegateAction.actions, [{ type: 'FunctionCall', methodName: 'go', args: new TextEncoder().encode('{}'), gas: 5n, deposit: 0n }]);
    assert.ok(verifySignature(action.delegateAction.publicKey, action.signature, delegateHash));
    assert.deepEqual(firstUnsupportedAction(stx.transaction.actions), { index: 0, type: 'Delegate' });
  });

  it('verifies secp256k1 transactions too', async () => {
    const key = KeyPair.fromRandom('secp256k1');
    const tx = createTransaction('eth.test.near', key.getPublicKey(), 'bob.test.near', 1n, [actions.transfer(1n)], blockHash);
    const { signedTransaction } = await new KeyPairSigner(key).signTransaction(tx);
    const stx = decodeOk(encodeTransaction(signedTransaction));
    assert.equal(stx.transaction.publicKey.keyType, 'secp256k1');
    assert.equal(stx.signature.data.length, 65);
    assert.ok(verifyTransactionSignature(stx));
    assert.equal(publicKeyToString(stx.transaction.publicKey), key.getPublicKey().toString());
  });

  it('round-trips through base64, as send_tx receives it', async () => {
    const { bytes } = await signed([actions.transfer(1n)]);
    const r = decodeSignedTransactionBase64(base64Encode(bytes));
    assert.ok(r.ok);
    assert.equal(r.value.hash, decodeOk(bytes).hash);
  });

  it('a large deploy (1 MiB of code) decodes quickly and exactly', async () => {
    const code = new Uint8Array(1 << 20).map((_, i) => i * 7);
    const { bytes } = await signed([actions.deployContract(code)]);
    const started = performance.now();
    const stx = decodeOk(bytes);
    assert.ok(performance.now() - started < 500);
    const action = stx.transaction.actions[0]!;
    assert.ok(action.type === 'DeployContract' && action.code.length === code.length);
    assert.ok(verifyTransactionSignature(stx));
  });
});

describe('signature verification', () => {
  it('fails after any single tampered byte, in the transaction or the signature', async () => {
    const { bytes } = await signed([actions.functionCall('m', { a: 1 }, 10n, 0n)]);
    assert.ok(verifyTransactionSignature(decodeOk(bytes)));
    // Offsets that stay decodable: the nonce, the block hash, the args, the signature itself.
    const stx = decodeOk(bytes);
    const nonceAt = 4 + 'alice.test.near'.length + 1 + 32;
    for (const at of [nonceAt, nonceAt + 8 + 4 + 'bob.test.near'.length + 5, bytes.length - 70, bytes.length - 1]) {
      const copy = bytes.slice();
      copy[at]! ^= 0x01;
      const tampered = decodeOk(copy);
      assert.equal(verifyTransactionSignature(tampered), false, `tampered byte ${at} still verifies`);
      if (at < bytes.length - 65) assert.notEqual(tampered.hash, stx.hash);
    }
  });

  it('rejects a signature by another key, and a key/signature curve mismatch', async () => {
    const { bytes } = await signed([actions.transfer(1n)]);
    const stx = decodeOk(bytes);
    const wrongKey = { ...stx, transaction: { ...stx.transaction, publicKey: { keyType: 'ed25519' as const, data: otherKey.data } } };
    assert.equal(verifyTransactionSignature(wrongKey), false);
    const curveMismatch = { ...stx, signature: { keyType: 'secp256k1' as const, data: new Uint8Array(65) } };
    assert.equal(verifyTransactionSignature(curveMismatch), false);
  });

  it('checks with keys parsed from near-cli strings', async () => {
    const { bytes } = await signed([actions.transfer(1n)]);
    const pair = parseKeyPair(signerKey.toString());
    assert.ok(pair.ok);
    assert.ok(verifySignature(pair.value.publicKey, decodeOk(bytes).signature, decodeOk(bytes).hashBytes));
  });
});

describe('malformed input gives typed errors', () => {
  it('malformed base64', () => {
    for (const text of ['not base64!', 'AAA', 'AAAA=', 'AA==AA==', ' AAAA']) {
      const r = decodeSignedTransactionBase64(text);
      assert.ok(!r.ok && r.error.code === 'invalid_base64', text);
    }
  });

  it('empty and truncated borsh, at every length', async () => {
    const { bytes } = await signed([actions.functionCall('m', { a: 1 }, 10n, 5n), actions.addFunctionCallAccessKey(otherKey, 'c.near', ['x'], 1n)]);
    assert.equal(decodeErr(new Uint8Array(0), 'unexpected_end'), 'Unexpected length of input');
    for (let n = 1; n < bytes.length; n++) {
      const r = decodeSignedTransaction(bytes.subarray(0, n));
      assert.equal(r.ok, false, `prefix of ${n} bytes decoded`);
    }
  });

  it('trailing bytes', async () => {
    const { bytes } = await signed([actions.transfer(1n)]);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assert.equal(decodeErr(longer, 'trailing_bytes'), 'Not all bytes read');
  });

  it('an unknown action tag, key type, signature type or permission', async () => {
    const { bytes } = await signed([actions.createAccount()]);
    // Layout: signer (4+15), key (1+32), nonce 8, receiver (4+13), block hash 32, actions (4 + 1), signature (1+64).
    const actionTagAt = 4 + 15 + 33 + 8 + 4 + 13 + 32 + 4;
    assert.equal(bytes[actionTagAt], 0);
    const patched = (at: number, value: number): Uint8Array => {
      const copy = bytes.slice();
      copy[at] = value;
      return copy;
    };
    assert.equal(decodeErr(patched(actionTagAt, 11), 'unknown_variant'), 'Unexpected variant tag: 11');
    decodeErr(patched(actionTagAt, 255), 'unknown_variant');
    decodeErr(patched(4 + 15, 2), 'unknown_variant');
    decodeErr(patched(actionTagAt + 1, 2), 'unknown_variant');
  });

  it('an Option tag other than 0 or 1', async () => {
    const { bytes } = await signed([actions.addFunctionCallAccessKey(otherKey, 'c.near', [], 7n)]);
    const at = 4 + 15 + 33 + 8 + 4 + 13 + 32 + 4 + 1 + 33 + 8 + 1; // allowance's Option tag
    assert.equal(bytes[at], 1);
    const copy = bytes.slice();
    copy[at] = 2;
    decodeErr(copy, 'invalid_option');
  });

  it('invalid account ids and invalid UTF-8 in strings', async () => {
    const { bytes } = await signed([actions.functionCall('mm', {}, 1n, 0n)]);
    const upper = bytes.slice();
    upper[4] = 'A'.charCodeAt(0); // signer_id "Alice.test.near"
    assert.match(decodeErr(upper, 'invalid_account_id'), /invalid character 'A' at index 0/);
    const methodAt = 4 + 15 + 33 + 8 + 4 + 13 + 32 + 4 + 1 + 4;
    const badUtf8 = bytes.slice();
    badUtf8[methodAt] = 0xff;
    decodeErr(badUtf8, 'invalid_utf8');
    const { bytes: long } = await signed([actions.transfer(1n)], { signerId: 'a'.repeat(65) });
    assert.equal(decodeErr(long, 'invalid_account_id'), 'the Account ID is too long');
    // With a length of 256 or more the 2nd byte is not 0, which nearcore reads as a version tag.
    const { bytes: longer } = await signed([actions.transfer(1n)], { signerId: 'a'.repeat(300) });
    assert.equal(decodeErr(longer, 'unknown_variant'), 'invalid transaction version tag: 44');
  });

  it('a length prefix larger than the input fails without allocating', async () => {
    const { bytes } = await signed([actions.transfer(1n)]);
    const copy = bytes.slice();
    const actionsLenAt = 4 + 15 + 33 + 8 + 4 + 13 + 32;
    new DataView(copy.buffer).setUint32(actionsLenAt, 0xffffffff, true);
    decodeErr(copy, 'unexpected_end');
  });

  it('TransactionV1 (a leading version byte 1) is reported as unsupported', async () => {
    const { bytes } = await signed([actions.transfer(1n)]);
    const v1 = new Uint8Array(bytes.length + 1);
    v1[0] = 1;
    v1.set(bytes, 1);
    decodeErr(v1, 'unsupported_version');
  });

  it('a delegate nested in a delegate is refused, as nearcore does', async () => {
    // near-api-js cannot even encode one (its nested enum slot is a placeholder), so patch bytes:
    // the inner Transfer's tag becomes the Delegate tag.
    const inner = buildDelegateAction({
      senderId: 'alice.test.near',
      receiverId: 'c.test.near',
      actions: [actions.transfer(1n)],
      nonce: 1n,
      maxBlockHeight: 9n,
      publicKey: signerKey.getPublicKey(),
    });
    const { signedDelegate } = await signer.signDelegateAction(inner);
    const { bytes } = await signed([actions.signedDelegate(signedDelegate)]);
    const innerTagAt = 4 + 15 + 33 + 8 + 4 + 13 + 32 + 4 + 1 + (4 + 15) + (4 + 11) + 4;
    assert.equal(bytes[innerTagAt], 3);
    const copy = bytes.slice();
    copy[innerTagAt] = 8;
    assert.equal(decodeErr(copy, 'unknown_variant'), "DelegateAction mustn't contain a nested one");
  });

  it('random garbage never throws', () => {
    let seed = 1;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(next() % 300).map(() => next() & 0xff);
      if (i % 2 === 0 && bytes.length > 2) bytes[1] = 0; // get past the version check more often
      const r = decodeSignedTransaction(bytes);
      assert.equal(typeof r.ok, 'boolean');
    }
  });
});

it('near-api-js and this codec agree on the key string of a decoded key', async () => {
  const { bytes } = await signed([actions.addFullAccessKey(otherKey)]);
  const action = decodeOk(bytes).transaction.actions[0]!;
  assert.ok(action.type === 'AddKey');
  assert.equal(publicKeyToString(action.publicKey), otherKey.toString());
  assert.match(signatureToString(decodeOk(bytes).signature), /^ed25519:[1-9A-HJ-NP-Za-km-z]{80,90}$/);
});
